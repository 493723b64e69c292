public import CloudModel

/// Per-site capacity summaries in `global`: `capacity/<site>`, written by the site's controllers,
/// read by every controller (from its local replica) to place boots without a zone.
public struct SiteCapacityRepository: Sendable {
    let table: RecordTable<StoredSiteCapacity>

    init(engine: any KeyValueEngine) {
        table = RecordTable(engine: engine, keyspace: .global, prefix: "capacity/")
    }

    public func all() async throws -> [SiteCapacity] { try await table.all().map(\.value) }

    public func find(_ site: Site.ID) async throws -> Versioned<SiteCapacity>? { try await table.find(site) }

    public func stagePut(_ capacity: SiteCapacity, expecting revision: Int64?, into txn: inout Transaction) {
        table.stagePut(capacity, id: capacity.site, expecting: revision, into: &txn)
    }
}

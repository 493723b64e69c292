public import CloudModel

/// The site registry in `global`: `sites/<id>`.
public struct SiteRepository: Sendable {
    let table: RecordTable<StoredSite>

    init(engine: any KeyValueEngine) {
        table = RecordTable(engine: engine, keyspace: .global, prefix: "sites/")
    }

    public func all() async throws -> [Site] { try await table.all().map(\.value).sorted { $0.index < $1.index } }

    public func find(_ id: Site.ID) async throws -> Versioned<Site>? { try await table.find(id) }

    public func stagePut(_ site: Site, expecting revision: Int64?, into txn: inout Transaction) {
        table.stagePut(site, id: site.id, expecting: revision, into: &txn)
    }
}

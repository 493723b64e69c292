public import CloudModel

/// Flavors in `global`: `flavors/<id>`.
public struct FlavorRepository: Sendable {
    let table: RecordTable<StoredFlavor>

    init(engine: any KeyValueEngine) {
        table = RecordTable(engine: engine, keyspace: .global, prefix: "flavors/")
    }

    public func find(_ id: Flavor.ID) async throws -> Versioned<Flavor>? { try await table.find(id) }

    public func all() async throws -> [Versioned<Flavor>] { try await table.all() }

    public func stagePut(_ flavor: Flavor, expecting revision: Int64?, into txn: inout Transaction) {
        table.stagePut(flavor, id: flavor.id, expecting: revision, into: &txn)
    }

    public func stageDelete(_ flavor: Versioned<Flavor>, into txn: inout Transaction) {
        table.stageDelete(id: flavor.value.id, expecting: flavor.revision, into: &txn)
    }
}

public import CloudModel

/// Per-project usage counters of one site (`usage/<project>`), changed in the same transaction as
/// the servers they count. A project's usage is the sum over its sites.
public struct UsageRepository: Sendable {
    let table: RecordTable<StoredUsage>

    init(engine: any KeyValueEngine, keyspace: Keyspace) {
        table = RecordTable(engine: engine, keyspace: keyspace, prefix: "usage/")
    }

    public func find(project: String) async throws -> Versioned<Usage>? { try await table.find(project) }

    /// Adds "the usage of `project` becomes `current + delta`" to `txn`, guarded by `current`'s revision.
    public func stageAdd(_ delta: Usage, project: String, current: Versioned<Usage>?, into txn: inout Transaction) {
        let base = current?.value ?? Usage()
        table.stagePut(base + delta, id: project, expecting: current?.revision, into: &txn)
    }
}

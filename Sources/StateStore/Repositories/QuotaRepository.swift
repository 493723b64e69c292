public import CloudModel

/// Per-project quota overrides in `global`: `quotas/<project>`. Absent means the defaults.
public struct QuotaRepository: Sendable {
    let table: RecordTable<StoredQuota>

    init(engine: any KeyValueEngine) {
        table = RecordTable(engine: engine, keyspace: .global, prefix: "quotas/")
    }

    public func find(project: String) async throws -> Versioned<Quota>? { try await table.find(project) }

    public func stagePut(_ quota: Quota, project: String, expecting revision: Int64?, into txn: inout Transaction) {
        table.stagePut(quota, id: project, expecting: revision, into: &txn)
    }

    public func stageDelete(_ quota: Versioned<Quota>, project: String, into txn: inout Transaction) {
        table.stageDelete(id: project, expecting: quota.revision, into: &txn)
    }
}

public import CloudModel

/// Per-project block-storage quota overrides in `global`: `vquotas/<project>`. Absent means the defaults.
public struct VolumeQuotaRepository: Sendable {
    let table: RecordTable<StoredVolumeQuota>

    init(engine: any KeyValueEngine) {
        table = RecordTable(engine: engine, keyspace: .global, prefix: "vquotas/")
    }

    public func find(project: String) async throws -> Versioned<VolumeQuota>? { try await table.find(project) }

    public func stagePut(_ quota: VolumeQuota, project: String, expecting revision: Int64?, into txn: inout Transaction) {
        table.stagePut(quota, id: project, expecting: revision, into: &txn)
    }

    public func stageDelete(_ quota: Versioned<VolumeQuota>, project: String, into txn: inout Transaction) {
        table.stageDelete(id: project, expecting: quota.revision, into: &txn)
    }
}

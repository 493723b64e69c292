public import CloudModel
import Foundation

/// Volume backups kept at one site, in `site/<id>`: `backups/<id>`.
public struct BackupRepository: Sendable {
    let table: RecordTable<StoredBackup>

    init(engine: any KeyValueEngine, site: Site.ID) {
        table = RecordTable(engine: engine, keyspace: .site(site), prefix: "backups/")
    }

    public func find(_ id: VolumeBackup.ID) async throws -> Versioned<VolumeBackup>? { try await table.find(id) }
    public func all() async throws -> [Versioned<VolumeBackup>] { try await table.all() }

    /// The backups of one volume kept here.
    public func of(volume id: Volume.ID) async throws -> [Versioned<VolumeBackup>] {
        try await all().filter { $0.value.volumeID == id }
    }

    public func stageCreate(_ backup: VolumeBackup, into txn: inout Transaction) {
        table.stagePut(backup, id: backup.id, expecting: nil, into: &txn)
    }

    public func stageUpdate(_ backup: VolumeBackup, from current: Versioned<VolumeBackup>, into txn: inout Transaction) {
        table.stagePut(backup, id: backup.id, expecting: current.revision, into: &txn)
    }

    public func stageDelete(_ backup: Versioned<VolumeBackup>, into txn: inout Transaction) {
        table.stageDelete(id: backup.value.id, expecting: backup.revision, into: &txn)
    }
}

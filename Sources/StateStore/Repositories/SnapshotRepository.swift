public import CloudModel
import Foundation

/// Volume snapshots of one site, in `site/<id>`: `snaps/<id>`.
public struct SnapshotRepository: Sendable {
    let table: RecordTable<StoredSnapshot>

    init(engine: any KeyValueEngine, site: Site.ID) {
        table = RecordTable(engine: engine, keyspace: .site(site), prefix: "snaps/")
    }

    public func find(_ id: VolumeSnapshot.ID) async throws -> Versioned<VolumeSnapshot>? { try await table.find(id) }
    public func all() async throws -> [Versioned<VolumeSnapshot>] { try await table.all() }

    /// The snapshots of one volume.
    public func of(volume id: Volume.ID) async throws -> [Versioned<VolumeSnapshot>] {
        try await all().filter { $0.value.volumeID == id }
    }

    public func stageCreate(_ snapshot: VolumeSnapshot, into txn: inout Transaction) {
        table.stagePut(snapshot, id: snapshot.id, expecting: nil, into: &txn)
    }

    public func stageUpdate(_ snapshot: VolumeSnapshot, from current: Versioned<VolumeSnapshot>, into txn: inout Transaction) {
        table.stagePut(snapshot, id: snapshot.id, expecting: current.revision, into: &txn)
    }

    public func stageDelete(_ snapshot: Versioned<VolumeSnapshot>, into txn: inout Transaction) {
        table.stageDelete(id: snapshot.value.id, expecting: snapshot.revision, into: &txn)
    }
}

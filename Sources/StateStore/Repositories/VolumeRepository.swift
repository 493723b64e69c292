public import CloudModel
import Foundation

/// Volumes of one site, in `site/<id>`: `vols/<id>`.
public struct VolumeRepository: Sendable {
    let table: RecordTable<StoredVolume>

    init(engine: any KeyValueEngine, site: Site.ID) {
        table = RecordTable(engine: engine, keyspace: .site(site), prefix: "vols/")
    }

    public func find(_ id: Volume.ID) async throws -> Versioned<Volume>? { try await table.find(id) }
    public func all() async throws -> [Versioned<Volume>] { try await table.all() }

    /// The volumes attached to `serverID` (or being attached to it).
    public func attached(to serverID: String) async throws -> [Versioned<Volume>] {
        try await all().filter { v in
            v.value.attachment(to: serverID) != nil || { if case let .attach(a) = v.value.pending { a.serverID == serverID } else { false } }()
        }
    }

    /// Creates the volume (its ID must be new).
    public func stageCreate(_ volume: Volume, into txn: inout Transaction) {
        table.stagePut(volume, id: volume.id, expecting: nil, into: &txn)
    }

    /// Writes a changed volume if it is still at `current`'s revision.
    public func stageUpdate(_ volume: Volume, from current: Versioned<Volume>, into txn: inout Transaction) {
        table.stagePut(volume, id: volume.id, expecting: current.revision, into: &txn)
    }

    public func stageDelete(_ volume: Versioned<Volume>, into txn: inout Transaction) {
        table.stageDelete(id: volume.value.id, expecting: volume.revision, into: &txn)
    }
}

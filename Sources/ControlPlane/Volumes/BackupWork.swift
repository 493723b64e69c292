public import CloudModel
import Foundation
public import Logging
import LUCBase
public import StateStore
import StorageDriver

/// The steps of backups' tasks, run at the backup's site: copy the volume (read at its site's
/// storage when this controller reaches it, or fetched from a controller of that site) into
/// this site's storage (`creating` → `available`, or `error`); delete it (`deleting` → gone,
/// or `error_deleting`). Driven by a `TaskRunner`; adopted after the deadline like the others.
public struct BackupWork: TaskWork {
    let store: Store
    let storage: SiteStorage
    let peers: (any VolumePeers)?
    let configuration: ControllerConfiguration
    let clock: any WallClock
    let logger: Logger

    init(store: Store, storage: SiteStorage, peers: (any VolumePeers)?, configuration: ControllerConfiguration, clock: any WallClock,
         logger: Logger) {
        self.store = store
        self.storage = storage
        self.peers = peers
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public var kind: String { "backup" }

    public func advance(_ id: String, site: Site.ID, owner: String) async throws -> Bool {
        guard let current = try await store.backups(site).find(id), current.value.status.isTransitional,
              current.value.taskOwner == owner
        else { return true }
        let b = current.value
        let driver = try storage.driver(for: site)
        if b.status == .creating {
            do {
                let readAt = clock.now()
                let (file, format) = try await copyOfVolume(b)
                defer { try? FileManager.default.removeItem(at: file) }
                let kept = try await driver.storeBackup(b.id, from: file, format: format)
                try await finish(current) { $0.status = .available; $0.sizeGB = max($0.sizeGB, kept.sizeGB); $0.dataTimestamp = readAt }
            } catch let error as StorageError {
                logger.warning("backup failed", metadata: ["backup.id": "\(b.id)", "error": "\(error)"])
                try await finish(current) { $0.status = .error; $0.fault = error.message }
            }
        } else {
            do {
                try await driver.deleteBackup(b.id)
            } catch let error as StorageError {
                try await finish(current) { $0.status = .errorDeleting; $0.fault = error.message }
                return false
            }
            var txn = Transaction()
            store.backups(site).stageDelete(current, into: &txn)
            try await store.commit(txn, in: .site(site))
        }
        return false
    }

    /// A copy of the backup's volume in a file of this controller: made by the volume's storage
    /// directly where this controller reaches it, else fetched from a controller of its site.
    func copyOfVolume(_ b: VolumeBackup) async throws -> (URL, String) {
        let dir = configuration.dataDirectory.appendingPathComponent("backups-in-flight")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(b.id + ".copy")
        if let source = try? storage.driver(for: b.volumeSite) {
            return (file, try await source.exportCopy(b.volumeID, to: file).format)
        }
        guard let peers else {
            throw ControlPlaneError(.unavailable, "The storage of availability zone \(b.volumeSite) cannot be reached from this controller.")
        }
        do {
            return (file, try await peers.copy(of: b.volumeID, from: b.volumeSite, to: file))
        } catch let error as ControlPlaneError where error.code == .notFound {
            throw StorageError(.notFound, "volume \(b.volumeID): \(error.message)")
        }
    }

    func finish(_ current: Versioned<VolumeBackup>, _ edit: (inout VolumeBackup) -> Void) async throws {
        var b = current.value
        b.taskOwner = nil
        b.taskDeadline = nil
        edit(&b)
        b.updatedAt = clock.now()
        b.revision += 1
        var txn = Transaction()
        store.backups(b.site).stageUpdate(b, from: current, into: &txn)
        try await store.commit(txn, in: .site(b.site))
    }

    public func pendingTasks(site: Site.ID) async throws -> [PendingTask] {
        try await store.backups(site).all().filter { $0.value.status.isTransitional }.map {
            PendingTask(id: $0.value.id, site: site, owner: $0.value.taskOwner, deadline: $0.value.taskDeadline, revision: $0.revision,
                        task: $0.value.status.rawValue)
        }
    }

    public func adopt(_ pending: PendingTask, owner: String) async throws -> Bool {
        guard let current = try await store.backups(pending.site).find(pending.id), current.revision == pending.revision,
              current.value.status.isTransitional
        else { return false }
        var b = current.value
        b.taskOwner = owner
        b.taskDeadline = clock.now().addingTimeInterval(configuration.actionDeadline.inSeconds)
        b.revision += 1
        var txn = Transaction()
        store.backups(b.site).stageUpdate(b, from: current, into: &txn)
        do {
            try await store.commit(txn, in: .site(b.site))
            return true
        } catch let error as StoreError where error.code == .conflict {
            return false
        }
    }
}

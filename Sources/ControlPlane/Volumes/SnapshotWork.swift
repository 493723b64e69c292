public import CloudModel
import Foundation
public import Logging
import LUCBase
public import StateStore
import StorageDriver

/// The steps of snapshots' tasks: take the copy at the site's storage (`creating` →
/// `available`, or `error`), delete it (`deleting` → gone, or `error_deleting`). Driven by a
/// `TaskRunner`; adopted after the deadline like volumes' tasks.
public struct SnapshotWork: TaskWork {
    let store: Store
    let storage: SiteStorage
    let configuration: ControllerConfiguration
    let clock: any WallClock
    let logger: Logger

    public init(store: Store, storage: SiteStorage, configuration: ControllerConfiguration, clock: any WallClock, logger: Logger) {
        self.store = store
        self.storage = storage
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public var kind: String { "snapshot" }

    public func advance(_ id: String, site: Site.ID, owner: String) async throws -> Bool {
        guard let current = try await store.snapshots(site).find(id), current.value.status.isTransitional,
              current.value.taskOwner == owner
        else { return true }
        let s = current.value
        let driver = try storage.driver(for: site)
        if s.status == .creating {
            do {
                _ = try await driver.snapshot(s.id, of: s.volumeID)
                try await finish(current) { $0.status = .available }
            } catch let error as StorageError {
                logger.warning("snapshot failed", metadata: ["snapshot.id": "\(s.id)", "error": "\(error)"])
                try await finish(current) { $0.status = .error; $0.fault = error.message }
            }
        } else {
            do {
                try await driver.deleteSnapshot(s.id)
            } catch let error as StorageError {
                try await finish(current) { $0.status = .errorDeleting; $0.fault = error.message }
                return false
            }
            var txn = Transaction()
            store.snapshots(site).stageDelete(current, into: &txn)
            try await store.commit(txn, in: .site(site))
        }
        return false
    }

    func finish(_ current: Versioned<VolumeSnapshot>, _ edit: (inout VolumeSnapshot) -> Void) async throws {
        var s = current.value
        s.taskOwner = nil
        s.taskDeadline = nil
        edit(&s)
        s.updatedAt = clock.now()
        s.revision += 1
        var txn = Transaction()
        store.snapshots(s.site).stageUpdate(s, from: current, into: &txn)
        try await store.commit(txn, in: .site(s.site))
    }

    public func pendingTasks(site: Site.ID) async throws -> [PendingTask] {
        try await store.snapshots(site).all().filter { $0.value.status.isTransitional }.map {
            PendingTask(id: $0.value.id, site: site, owner: $0.value.taskOwner, deadline: $0.value.taskDeadline, revision: $0.revision,
                        task: $0.value.status.rawValue)
        }
    }

    public func adopt(_ pending: PendingTask, owner: String) async throws -> Bool {
        guard let current = try await store.snapshots(pending.site).find(pending.id), current.revision == pending.revision,
              current.value.status.isTransitional
        else { return false }
        var s = current.value
        s.taskOwner = owner
        s.taskDeadline = clock.now().addingTimeInterval(configuration.actionDeadline.inSeconds)
        s.revision += 1
        var txn = Transaction()
        store.snapshots(s.site).stageUpdate(s, from: current, into: &txn)
        do {
            try await store.commit(txn, in: .site(s.site))
            return true
        } catch let error as StoreError where error.code == .conflict {
            return false
        }
    }
}

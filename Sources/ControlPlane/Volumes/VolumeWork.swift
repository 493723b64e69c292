public import AgentProtocol
public import CloudModel
import Foundation
public import Logging
import LUCBase
public import StateStore
import StorageDriver

/// The steps of volumes' tasks: create (empty, a copy of a volume, or from a snapshot, an image
/// or a backup), extend, revert to a snapshot, attach (hot-plug into the server's host), detach
/// (unplug) and delete. Each step reads the volume, does one thing at the
/// site's storage or the server's agent, and records the outcome with compare-and-set on the
/// volume (and the server, for attachments: one transaction at their site). A storage or agent
/// refusal ends the task in an error or back where it started; an unreachable one is retried,
/// then adopted after the deadline. Driven by a `TaskRunner`.
public struct VolumeWork: TaskWork {
    let store: Store
    let storage: SiteStorage
    let images: ImageService
    let agents: any AgentClient
    let configuration: ControllerConfiguration
    let clock: any WallClock
    let logger: Logger

    init(store: Store, storage: SiteStorage, images: ImageService, agents: any AgentClient, configuration: ControllerConfiguration,
         clock: any WallClock, logger: Logger) {
        self.store = store
        self.images = images
        self.storage = storage
        self.agents = agents
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public var kind: String { "volume" }

    public func advance(_ id: String, site: Site.ID, owner: String) async throws -> Bool {
        guard let current = try await store.volumes(site).find(id), Self.hasTask(current.value), current.value.taskOwner == owner
        else { return true }
        switch current.value.status {
        case .creating: try await create(current)
        case .deleting: try await delete(current)
        case .extending: try await extend(current)
        case .reverting: try await revert(current)
        case .attaching: try await attach(current)
        case .detaching: try await detach(current)
        default: return true
        }
        return false
    }

    public func pendingTasks(site: Site.ID) async throws -> [PendingTask] {
        try await store.volumes(site).all().filter { Self.hasTask($0.value) }.map {
            PendingTask(id: $0.value.id, site: site, owner: $0.value.taskOwner, deadline: $0.value.taskDeadline, revision: $0.revision,
                        task: $0.value.status.rawValue)
        }
    }

    public func adopt(_ pending: PendingTask, owner: String) async throws -> Bool {
        guard let current = try await store.volumes(pending.site).find(pending.id), current.revision == pending.revision,
              Self.hasTask(current.value)
        else { return false }
        var volume = current.value
        volume.taskOwner = owner
        volume.taskDeadline = clock.now().addingTimeInterval(configuration.actionDeadline.inSeconds)
        volume.revision += 1
        var txn = Transaction()
        store.volumes(volume.site).stageUpdate(volume, from: current, into: &txn)
        do {
            try await store.commit(txn, in: .site(volume.site))
            return true
        } catch let error as StoreError where error.code == .conflict {
            return false
        }
    }

    /// Whether the volume has a task to drive: a transitional status, except `detaching` set by
    /// Cinder's `os-begin_detaching` alone (a mark for another service's detach, nothing to do here).
    static func hasTask(_ v: Volume) -> Bool {
        v.status.isTransitional && !(v.status == .detaching && v.pending == nil)
    }

    /// Whether a task begun at `start` has run past the action deadline: an agent that has not
    /// answered by then is taken as refusing, so that a dead host leaves no volume `attaching`
    /// or `detaching` for ever (retries and adoptions happen until then).
    func overdue(since start: Date) -> Bool {
        clock.now() > start.addingTimeInterval(configuration.actionDeadline.inSeconds)
    }

    // MARK: steps

    /// Ends the task: `edit` sets the outcome; the owner, deadline and pending change go.
    /// `server` is written in the same transaction (an attachment's other half).
    func finish(_ current: Versioned<Volume>, server: (Server, Versioned<Server>)? = nil, _ edit: (inout Volume) -> Void) async throws {
        var volume = current.value
        volume.taskOwner = nil
        volume.taskDeadline = nil
        volume.pending = nil
        edit(&volume)
        volume.updatedAt = clock.now()
        volume.revision += 1
        var txn = Transaction()
        store.volumes(volume.site).stageUpdate(volume, from: current, into: &txn)
        if let (server, read) = server { store.servers(volume.site).stageUpdate(server, from: read, into: &txn) }
        try await store.commit(txn, in: .site(volume.site))
    }

    private func create(_ current: Versioned<Volume>) async throws {
        let v = current.value
        let driver = try storage.driver(for: v.site)
        do {
            if case let .volume(sourceID) = v.source {
                _ = try await driver.clone(v.id, from: sourceID, sizeGB: v.sizeGB)
            } else if case let .snapshot(snapshotID) = v.source {
                _ = try await driver.clone(v.id, fromSnapshot: snapshotID, sizeGB: v.sizeGB)
            } else if case let .backup(backupID) = v.source {
                _ = try await driver.clone(v.id, fromBackup: backupID, sizeGB: v.sizeGB)
            } else if case let .image(imageID) = v.source {
                let (image, file): (Image, URL)
                do {
                    (image, file) = try await images.internalDataFile(imageID, localOnly: false)
                } catch let error as ControlPlaneError {
                    throw StorageError(.notFound, "image \(imageID): \(error.message)")
                }
                _ = try await driver.clone(v.id, fromImage: StorageImage(id: image.id, path: file.path, format: image.diskFormat ?? "raw"),
                                           sizeGB: v.sizeGB)
            } else {
                _ = try await driver.create(v.id, sizeGB: v.sizeGB)
            }
        } catch let error as StorageError {
            logger.warning("volume create failed", metadata: ["volume.id": "\(v.id)", "error": "\(error)"])
            return try await finish(current) { $0.status = .error; $0.fault = error.message }
        }
        try await finish(current) { $0.status = .available }
    }

    private func delete(_ current: Versioned<Volume>) async throws {
        let v = current.value
        // A cascading delete waits for the volume's snapshots to go (retried by the runner).
        let left = try await store.snapshots(v.site).of(volume: v.id)
        guard left.isEmpty else { throw ControlPlaneError(.conflict, "volume \(v.id): \(left.count) snapshot(s) still being deleted") }
        do {
            try await storage.driver(for: v.site).delete(v.id)
        } catch let error as StorageError {
            logger.warning("volume delete failed", metadata: ["volume.id": "\(v.id)", "error": "\(error)"])
            return try await finish(current) { $0.status = .errorDeleting; $0.fault = error.message }
        }
        var txn = Transaction()
        store.volumes(v.site).stageDelete(current, into: &txn)
        try await store.commit(txn, in: .site(v.site))
        if case let .image(imageID) = v.source { await pruneImages(at: v.site, after: imageID) }
    }

    /// Drops the site storage's copies of images that no volume is made over, except that of
    /// `imageID` while the image exists (the next volume from it reuses it).
    private func pruneImages(at site: Site.ID, after imageID: String) async {
        do {
            let keep: Set<String> = try await store.images.find(imageID) != nil ? [imageID] : []
            let removed = try await storage.driver(for: site).pruneImages(keeping: keep)
            if !removed.isEmpty { logger.info("image copies dropped from the site's storage", metadata: ["images": "\(removed)"]) }
        } catch {
            logger.info("image copies not pruned", metadata: ["error": "\(error)"])
        }
    }

    private func extend(_ current: Versioned<Volume>) async throws {
        let v = current.value
        guard case let .extend(size) = v.pending else { return try await finish(current) { $0.status = .available } }
        do {
            _ = try await storage.driver(for: v.site).extend(v.id, sizeGB: size)
        } catch let error as StorageError {
            return try await finish(current) { $0.status = .errorExtending; $0.fault = error.message }
        }
        try await finish(current) { $0.status = .available; $0.sizeGB = size }
    }

    private func revert(_ current: Versioned<Volume>) async throws {
        let v = current.value
        guard case let .revert(snapshotID) = v.pending else { return try await finish(current) { $0.status = .available } }
        do {
            _ = try await storage.driver(for: v.site).revert(v.id, toSnapshot: snapshotID)
        } catch let error as StorageError {
            logger.warning("volume revert failed", metadata: ["volume.id": "\(v.id)", "error": "\(error)"])
            return try await finish(current) { $0.status = .error; $0.fault = "revert to \(snapshotID) failed: \(error.message)" }
        }
        try await finish(current) { $0.status = .available }
    }

    /// The server a volume attaches to or detaches from, and its host when it has one.
    private func machine(_ serverID: String, site: Site.ID) async throws -> (Versioned<Server>, ComputeHost?)? {
        guard let server = try await store.servers(site).find(serverID) else { return nil }
        guard let hostID = server.value.hostID else { return (server, nil) }
        let host = try await store.hosts(site).find(hostID)?.value
        return (server, host)
    }

    private func attach(_ current: Versioned<Volume>) async throws {
        let v = current.value
        guard case let .attach(attachment) = v.pending else { return try await finish(current) { $0.status = .available } }
        guard let (server, host) = try await machine(attachment.serverID, site: v.site) else {
            // The server went while its volume was attaching: its delete released the volume.
            return try await finish(current) { $0.status = $0.attachments.isEmpty ? .available : .inUse }
        }
        var failure: String?
        if let host {
            do {
                let file = try await storage.driver(for: v.site).export(v.id)
                _ = try await agents.attach(SpawnRequest.Disk(volumeID: v.id, path: file.path, format: file.format),
                                            machine: server.value.id, host: host.id, at: host.agentURL)
            } catch let error as AgentCallError where error.kind != .unreachable || overdue(since: attachment.attachedAt) {
                failure = error.kind == .unreachable ? "host \(host.name) did not answer" : error.message
            } catch let error as StorageError {
                failure = error.message
            }
        }
        var s = server.value
        if let failure {
            logger.warning("volume attach failed", metadata: ["volume.id": "\(v.id)", "server.id": "\(s.id)", "error": "\(failure)"])
            s.volumes.removeAll { $0.volumeID == v.id }
            return try await finish(current, server: (s, server)) {
                $0.status = $0.attachments.isEmpty ? .available : .inUse
                $0.fault = "attach to \(s.id) failed: \(failure)"
            }
        }
        var made = attachment
        made.hostName = host?.name
        made.attachedAt = clock.now()
        try await finish(current) { $0.status = .inUse; $0.attachments.append(made) }
    }

    private func detach(_ current: Versioned<Volume>) async throws {
        let v = current.value
        guard case let .detach(serverID) = v.pending else { return try await finish(current) { $0.status = .inUse } }
        let found = try await machine(serverID, site: v.site)
        if let (server, host) = found, let host {
            do {
                _ = try await agents.detach(volume: v.id, machine: server.value.id, host: host.id, at: host.agentURL)
            } catch let error as AgentCallError where error.kind == .notFound {
                // The machine is gone from its host: nothing is plugged any more.
                logger.info("volume detach: no machine on the host", metadata: ["volume.id": "\(v.id)", "server.id": "\(serverID)"])
            } catch let error as AgentCallError where error.kind == .driver || (error.kind == .unreachable && overdue(since: v.updatedAt)) {
                logger.warning("volume detach failed", metadata: ["volume.id": "\(v.id)", "server.id": "\(serverID)", "error": "\(error)"])
                return try await finish(current) { $0.status = .inUse; $0.fault = "detach from \(serverID) failed: \(error.message)" }
            }
        }
        var update: (Server, Versioned<Server>)?
        if let (server, _) = found {
            var s = server.value
            s.volumes.removeAll { $0.volumeID == v.id }
            s.updatedAt = clock.now()
            update = (s, server)
        }
        try await finish(current, server: update) {
            $0.attachments.removeAll { $0.serverID == serverID }
            $0.status = $0.attachments.isEmpty ? .available : .inUse
        }
    }
}

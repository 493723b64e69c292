public import CloudModel
import Foundation
import LUCBase
public import StateStore

/// Cinder's volume snapshots. A snapshot lives at its volume's site (keyspace and storage), its
/// ID naming that site; taking and deleting one are tasks (`SnapshotWork`). A volume with
/// snapshots is not deleted; volumes are made from a snapshot at its site.
public struct SnapshotService: Sendable {
    let store: Store
    let sites: SiteDirectory
    let configuration: ControllerConfiguration
    let volumes: VolumeService
    public let tasks: TaskRunner<SnapshotWork>
    let clock: any WallClock

    public init(store: Store, sites: SiteDirectory, configuration: ControllerConfiguration, volumes: VolumeService,
                tasks: TaskRunner<SnapshotWork>, clock: any WallClock) {
        self.store = store
        self.sites = sites
        self.configuration = configuration
        self.volumes = volumes
        self.tasks = tasks
        self.clock = clock
    }

    static func notFound(_ id: String) -> ControlPlaneError { .notFound("Snapshot \(id) could not be found.") }

    /// Takes a snapshot of a volume: `available`, or `in-use` with `force` (Cinder's rule).
    public func create(volumeID: String, name: String?, description: String?, metadata: [String: String]?, force: Bool,
                       by p: Principal) async throws -> VolumeSnapshot {
        try volumes.requireWrite(p)
        let volume = try await volumes.get(volumeID, by: p).value
        guard volume.status == .available || (force && volume.status == .inUse) else {
            throw ControlPlaneError.badRequest("Invalid volume: Volume \(volume.id) status must be available\(force ? " or in-use" : ""), but current status is: \(volume.status.rawValue).")
        }
        try VolumeService.validate(name: name, description: description)
        try VolumeService.validate(metadata: metadata ?? [:])
        guard let site = await sites.site(volume.site) else { throw VolumeService.notFound(volumeID) }
        var snapshot = VolumeSnapshot(id: ResourceID.make(siteIndex: site.index), name: name ?? "", description: description ?? "",
                                      projectID: volume.projectID, site: site.id, volumeID: volume.id, sizeGB: volume.sizeGB,
                                      createdAt: clock.now())
        snapshot.metadata = metadata ?? [:]
        snapshot.userID = p.userID
        snapshot.taskOwner = configuration.controllerID
        snapshot.taskDeadline = volumes.deadline()
        snapshot.revision = 1
        try await volumes.quotas.withReservation(project: volume.projectID, volumes: 0, snapshots: 1, gigabytes: volume.sizeGB) {
            var txn = Transaction()
            store.snapshots(site.id).stageCreate(snapshot, into: &txn)
            try await store.commit(txn, in: .site(site.id))
        }
        tasks.drive(snapshot.id, site: site.id)
        return snapshot
    }

    public func get(_ id: String, by p: Principal) async throws -> Versioned<VolumeSnapshot> {
        guard let normalized = ResourceID.normalized(id), let site = await sites.home(of: normalized),
              let snapshot = try await store.snapshots(site.id).find(normalized),
              p.isAdmin || snapshot.value.projectID == p.projectID
        else { throw Self.notFound(id) }
        return snapshot
    }

    /// The snapshots `p` may see at every site that answers in time, newest first; filtered by
    /// name, status and volume.
    public func list(name: String?, status: String?, volumeID: String?, allProjects: Bool, by p: Principal) async throws
        -> [VolumeSnapshot]
    {
        let project = try volumes.requireProject(p)
        let gathered = await scatter(await sites.all(), deadline: configuration.siteTimeout) { site in
            try await store.snapshots(site.id).all().map(\.value)
        }
        return gathered.parts.values.flatMap { $0 }.filter { s in
            if !(p.isAdmin && allProjects), s.projectID != project { return false }
            if let name, s.name != name { return false }
            if let status, s.status.rawValue != status { return false }
            if let volumeID, s.volumeID != volumeID { return false }
            return true
        }
        .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    /// Changes name, description or metadata.
    public func update(_ id: String, name: String?, description: String?, metadata: [String: String]?, by p: Principal) async throws
        -> VolumeSnapshot
    {
        try volumes.requireWrite(p)
        try VolumeService.validate(name: name, description: description)
        if let metadata { try VolumeService.validate(metadata: metadata) }
        return try await change(id, by: p) { s in
            if let name { s.name = name }
            if let description { s.description = description }
            if let metadata { s.metadata = metadata }
        }
    }

    /// Replaces (`replace`) or merges into the snapshot's metadata; returns the result.
    public func setMetadata(_ id: String, _ items: [String: String], replace: Bool, by p: Principal) async throws -> [String: String] {
        try volumes.requireWrite(p)
        try VolumeService.validate(metadata: items)
        return try await change(id, by: p) { s in
            if replace { s.metadata = items } else { s.metadata.merge(items) { _, new in new } }
        }.metadata
    }

    /// Removes one metadata key; 404 when it is not there.
    public func deleteMetadata(_ id: String, key: String, by p: Principal) async throws {
        try volumes.requireWrite(p)
        _ = try await change(id, by: p) { s in
            guard s.metadata.removeValue(forKey: key) != nil else {
                throw ControlPlaneError.notFound("Snapshot \(id) has no metadata with key \(key).")
            }
        }
    }

    /// Sets a snapshot's status (admins, `os-reset_status`); its task, if any, is dropped.
    public func resetStatus(_ id: String, status: String, by p: Principal) async throws {
        guard p.isAdmin else { throw ControlPlaneError.forbidden("Policy doesn't allow volume_extension:snapshot_admin_actions:reset_status to be performed.") }
        guard let wanted = VolumeSnapshot.Status(rawValue: status) else {
            throw ControlPlaneError.badRequest("Invalid input received: Snapshot status \(status) is not valid.")
        }
        _ = try await change(id, by: p) { s in
            s.status = wanted
            s.taskOwner = nil
            s.taskDeadline = nil
        }
    }

    /// Nova's `os-update_snapshot_status` for a snapshot it takes itself: from `creating` to
    /// `available` or `error` (400 otherwise).
    public func updateStatus(_ id: String, status: String, progress: String?, by p: Principal) async throws {
        try volumes.requireWrite(p)
        guard let wanted = VolumeSnapshot.Status(rawValue: status), [.available, .error, .creating].contains(wanted) else {
            throw ControlPlaneError.badRequest("Invalid input received: Snapshot status \(status) is not one of creating, available, error.")
        }
        _ = try await change(id, by: p) { s in
            guard s.status == .creating || s.status == wanted else {
                throw ControlPlaneError.badRequest("Invalid snapshot: Snapshot status \(s.status.rawValue) cannot change to \(status).")
            }
            s.status = wanted
            if let progress { s.progress = progress }
            s.taskOwner = nil
            s.taskDeadline = nil
        }
    }

    /// Deletes a snapshot that is not busy (400 while `creating` or `deleting`; `force`, for
    /// admins, deletes it whatever its status); the storage work is its task.
    public func delete(_ id: String, force: Bool = false, by p: Principal) async throws {
        try volumes.requireWrite(p)
        if force && !p.isAdmin { throw ControlPlaneError.forbidden("Policy doesn't allow volume_extension:snapshot_admin_actions:force_delete to be performed.") }
        let snapshot = try await change(id, by: p) { s in
            guard s.status != .deleting || force else { return }
            guard force || [.available, .error, .errorDeleting].contains(s.status) else {
                throw ControlPlaneError.badRequest("Invalid snapshot: Volume Snapshot status must be available or error or error_restoring for delete.")
            }
            s.status = .deleting
            s.taskOwner = configuration.controllerID
            s.taskDeadline = volumes.deadline()
            s.fault = nil
        }
        tasks.drive(snapshot.id, site: snapshot.site)
    }

    func change(_ id: String, by p: Principal, _ edit: (inout VolumeSnapshot) throws -> Void) async throws -> VolumeSnapshot {
        try await retryOnConflict {
            let current = try await get(id, by: p)
            var snapshot = current.value
            try edit(&snapshot)
            guard snapshot != current.value else { return snapshot }
            snapshot.updatedAt = clock.now()
            snapshot.revision += 1
            var txn = Transaction()
            store.snapshots(snapshot.site).stageUpdate(snapshot, from: current, into: &txn)
            try await store.commit(txn, in: .site(snapshot.site))
            return snapshot
        }
    }
}

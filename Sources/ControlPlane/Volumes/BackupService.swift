public import CloudModel
import Foundation
import LUCBase
public import StateStore

/// Cinder's volume backups. A backup is a full copy of a volume kept at the site asked (its
/// availability zone: another site than the volume's protects it from the loss of that site),
/// in that site's keyspace and storage; making and deleting it are tasks (`BackupWork`) of that
/// site. Restoring makes a new volume at the backup's site from its bytes alone.
public struct BackupService: Sendable {
    let store: Store
    let sites: SiteDirectory
    let configuration: ControllerConfiguration
    let volumes: VolumeService
    public let tasks: TaskRunner<BackupWork>
    let clock: any WallClock

    init(store: Store, sites: SiteDirectory, configuration: ControllerConfiguration, volumes: VolumeService,
         tasks: TaskRunner<BackupWork>, clock: any WallClock) {
        self.store = store
        self.sites = sites
        self.configuration = configuration
        self.volumes = volumes
        self.tasks = tasks
        self.clock = clock
    }

    static func notFound(_ id: String) -> ControlPlaneError { .notFound("Backup \(id) could not be found.") }

    /// What a backup request asks for.
    public struct Request: Sendable {
        public var volumeID: String
        public var name: String?
        public var description: String?
        public var container: String?
        public var availabilityZone: String?
        public var incremental = false
        public var force = false
        public var snapshotID: String?
        public var metadata: [String: String] = [:]
        public init(volumeID: String) { self.volumeID = volumeID }
    }

    /// Starts a backup of an `available` volume (or an `in-use` one with `force`, Cinder's rule)
    /// to the zone asked, by default the volume's own.
    public func create(_ r: Request, by p: Principal) async throws -> VolumeBackup {
        try volumes.requireWrite(p)
        let volume = try await volumes.get(r.volumeID, by: p).value
        guard volume.status == .available || (volume.status == .inUse && r.force) else {
            let why = volume.status == .inUse ? "Backing up an in-use volume must use the force flag."
                : "Volume to be backed up must be available or in-use, but the current status is \"\(volume.status.rawValue)\"."
            throw ControlPlaneError.badRequest("Invalid volume: \(why)")
        }
        if r.incremental {
            throw ControlPlaneError.badRequest("Invalid backup: incremental backups are not supported here; every backup is a full copy.")
        }
        if r.snapshotID != nil {
            throw ControlPlaneError.badRequest("Invalid backup: backups of snapshots are not supported here; back up the volume, or a volume made from the snapshot.")
        }
        try VolumeService.validate(name: r.name, description: r.description)
        try VolumeService.validate(metadata: r.metadata)
        let zone = r.availabilityZone ?? volume.site
        guard let site = await sites.site(zone) else {
            throw ControlPlaneError.badRequest("Invalid input received: Availability zone '\(zone)' is invalid.")
        }
        var backup = VolumeBackup(id: ResourceID.make(siteIndex: site.index), name: r.name ?? "", description: r.description ?? "",
                                  projectID: volume.projectID, userID: p.userID, site: site.id, volumeID: volume.id,
                                  volumeSite: volume.site, sizeGB: volume.sizeGB, createdAt: clock.now())
        backup.container = r.container
        backup.metadata = r.metadata
        backup.taskOwner = configuration.controllerID
        backup.taskDeadline = volumes.deadline()
        backup.revision = 1
        try await volumes.quotas.withReservation(project: volume.projectID, volumes: 0, gigabytes: volume.sizeGB, backups: 1) {
            var txn = Transaction()
            store.backups(site.id).stageCreate(backup, into: &txn)
            try await store.commit(txn, in: .site(site.id))
        }
        tasks.drive(backup.id, site: site.id)
        return backup
    }

    public func get(_ id: String, by p: Principal) async throws -> Versioned<VolumeBackup> {
        guard let normalized = ResourceID.normalized(id), let site = await sites.home(of: normalized),
              let backup = try await store.backups(site.id).find(normalized),
              p.isAdmin || backup.value.projectID == p.projectID
        else { throw Self.notFound(id) }
        return backup
    }

    /// The backups `p` may see at every site that answers in time, newest first; filtered by
    /// name, status and volume.
    public func list(name: String?, status: String?, volumeID: String?, allProjects: Bool, by p: Principal) async throws
        -> [VolumeBackup]
    {
        let project = try volumes.requireProject(p)
        let gathered = await scatter(await sites.all(), deadline: configuration.siteTimeout) { site in
            try await store.backups(site.id).all().map(\.value)
        }
        return gathered.parts.values.flatMap { $0 }.filter { b in
            if !(p.isAdmin && allProjects), b.projectID != project { return false }
            if let name, b.name != name { return false }
            if let status, b.status.rawValue != status { return false }
            if let volumeID, b.volumeID != volumeID { return false }
            return true
        }
        .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    /// Changes name or description (3.9), or metadata (3.43).
    public func update(_ id: String, name: String?, description: String?, metadata: [String: String]?, by p: Principal) async throws
        -> VolumeBackup
    {
        try volumes.requireWrite(p)
        try VolumeService.validate(name: name, description: description)
        if let metadata { try VolumeService.validate(metadata: metadata) }
        return try await change(id, by: p) { b in
            if let name { b.name = name }
            if let description { b.description = description }
            if let metadata { b.metadata = metadata }
        }
    }

    /// Deletes a backup that is not busy (400 while `creating`, or while a volume is being
    /// restored from it); the storage work is its task.
    public func delete(_ id: String, force: Bool = false, by p: Principal) async throws {
        try volumes.requireWrite(p)
        if force && !p.isAdmin { throw ControlPlaneError.forbidden("Policy doesn't allow backup:force_delete to be performed.") }
        let target = try await get(id, by: p).value
        let restoring = try await store.volumes(target.site).all().contains {
            $0.value.status == .creating && $0.value.source == .backup(target.id)
        }
        if restoring { throw ControlPlaneError.badRequest("Invalid backup: a volume is being restored from backup \(target.id).") }
        let backup = try await change(id, by: p) { b in
            guard b.status != .deleting else { return }
            guard force || [.available, .error, .errorDeleting].contains(b.status) else {
                throw ControlPlaneError.badRequest("Invalid backup: Backup status must be available or error")
            }
            b.status = .deleting
            b.taskOwner = configuration.controllerID
            b.taskDeadline = volumes.deadline()
            b.fault = nil
        }
        tasks.drive(backup.id, site: backup.site)
    }

    /// Restores an `available` backup into a new volume at the backup's site (named `name`),
    /// made from the backup's bytes as a volume task. Restoring over an existing volume is
    /// refused with a clear 400.
    public func restore(_ id: String, intoVolume volumeID: String?, name: String?, by p: Principal) async throws -> Volume {
        try volumes.requireWrite(p)
        let backup = try await get(id, by: p).value
        if volumeID != nil {
            throw ControlPlaneError.badRequest("Invalid input received: restoring over an existing volume is not supported here; restore the backup to a new volume (give a name, not a volume_id).")
        }
        guard backup.status == .available else {
            throw ControlPlaneError.badRequest("Invalid backup: Backup status must be available")
        }
        return try await volumes.create(fromBackup: backup, name: name, by: p)
    }

    /// Sets a backup's status (admins, `os-reset_status`): `available` or `error`.
    public func resetStatus(_ id: String, status: String, by p: Principal) async throws {
        guard p.isAdmin else { throw ControlPlaneError.forbidden("Policy doesn't allow backup:backup-reset_status to be performed.") }
        guard let wanted = VolumeBackup.Status(rawValue: status), [.available, .error].contains(wanted) else {
            throw ControlPlaneError.badRequest("Invalid input received: Backup status \(status) is not one of available, error.")
        }
        _ = try await change(id, by: p) { b in
            b.status = wanted
            b.taskOwner = nil
            b.taskDeadline = nil
        }
    }

    func change(_ id: String, by p: Principal, _ edit: (inout VolumeBackup) throws -> Void) async throws -> VolumeBackup {
        try await retryOnConflict {
            let current = try await get(id, by: p)
            var backup = current.value
            try edit(&backup)
            guard backup != current.value else { return backup }
            backup.updatedAt = clock.now()
            backup.revision += 1
            var txn = Transaction()
            store.backups(backup.site).stageUpdate(backup, from: current, into: &txn)
            try await store.commit(txn, in: .site(backup.site))
            return backup
        }
    }
}

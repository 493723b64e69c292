public import CloudModel
import Foundation
public import StateStore

/// Cinder's quotas and absolute limits: a project's volumes, gigabytes, snapshots and backups.
/// Limits are in `global`; use is counted from the volumes of every site that answers in time
/// (a cut-off site's volumes are not counted: a project can exceed its quota by what it holds
/// there, as with ports).
public struct VolumeQuotaService: Sendable {
    let store: Store
    let sites: SiteDirectory
    let configuration: ControllerConfiguration

    public init(store: Store, sites: SiteDirectory, configuration: ControllerConfiguration) {
        self.store = store
        self.sites = sites
        self.configuration = configuration
    }

    /// Cinder's names of the quotas, in its order.
    public static let names = ["volumes", "gigabytes", "snapshots", "backups", "backup_gigabytes", "per_volume_gigabytes", "groups"]

    public func quota(for project: String) async throws -> VolumeQuota {
        try await store.volumeQuotas.find(project: project)?.value ?? .defaults
    }

    /// What a project uses, by Cinder name: snapshots count in `gigabytes` too, as in Cinder;
    /// backups in `backups` and `backup_gigabytes`.
    public func usage(of project: String) async throws -> [String: Int] {
        let gathered = await scatter(await sites.all(), deadline: configuration.siteTimeout) { site in
            (try await store.volumes(site.id).all().map(\.value).filter { $0.projectID == project },
             try await store.snapshots(site.id).all().map(\.value).filter { $0.projectID == project },
             try await store.backups(site.id).all().map(\.value).filter { $0.projectID == project })
        }
        let volumes = gathered.parts.values.flatMap(\.0), snapshots = gathered.parts.values.flatMap(\.1)
        let backups = gathered.parts.values.flatMap(\.2)
        let gigabytes = volumes.reduce(0) { $0 + $1.sizeGB } + snapshots.reduce(0) { $0 + $1.sizeGB }
        return ["volumes": volumes.count, "gigabytes": gigabytes, "snapshots": snapshots.count, "backups": backups.count,
                "backup_gigabytes": backups.reduce(0) { $0 + $1.sizeGB }, "per_volume_gigabytes": 0, "groups": 0]
    }

    /// Runs `body` (the write that makes or grows volumes or snapshots) if `volumes` more
    /// volumes, `snapshots` more snapshots and `gigabytes` more GiB fit the project's quota (for
    /// `backups` more backups: `gigabytes` more in `backup_gigabytes`); 413 naming the quota
    /// otherwise.
    func withReservation(project: String, volumes: Int, snapshots: Int = 0, gigabytes: Int, backups: Int = 0,
                         _ body: () async throws -> Void) async throws
    {
        let quota = try await quota(for: project)
        if quota.perVolumeGigabytes >= 0, gigabytes > quota.perVolumeGigabytes, volumes > 0 {
            throw ControlPlaneError(.overLimit, "VolumeSizeExceedsLimit: Requested volume size \(gigabytes)G is larger than maximum allowed limit \(quota.perVolumeGigabytes)G.")
        }
        let used = try await usage(of: project)
        if quota.volumes >= 0, volumes > 0, used["volumes", default: 0] + volumes > quota.volumes {
            throw ControlPlaneError(.overLimit, "VolumeLimitExceeded: Maximum number of volumes allowed (\(quota.volumes)) exceeded for quota 'volumes'.")
        }
        if quota.snapshots >= 0, snapshots > 0, used["snapshots", default: 0] + snapshots > quota.snapshots {
            throw ControlPlaneError(.overLimit, "SnapshotLimitExceeded: Maximum number of snapshots allowed (\(quota.snapshots)) exceeded")
        }
        if backups > 0 {
            if quota.backups >= 0, used["backups", default: 0] + backups > quota.backups {
                throw ControlPlaneError(.overLimit, "BackupLimitExceeded: Maximum number of backups allowed (\(quota.backups)) exceeded")
            }
            if quota.backupGigabytes >= 0, used["backup_gigabytes", default: 0] + gigabytes > quota.backupGigabytes {
                throw ControlPlaneError(.overLimit, "VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup gigabytes quota. Requested \(gigabytes)G, quota is \(quota.backupGigabytes)G and \(used["backup_gigabytes", default: 0])G has been consumed.")
            }
            return try await body()
        }
        if quota.gigabytes >= 0, used["gigabytes", default: 0] + gigabytes > quota.gigabytes {
            throw ControlPlaneError(.overLimit, "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested \(gigabytes)G, quota is \(quota.gigabytes)G and \(used["gigabytes", default: 0])G has been consumed.")
        }
        try await body()
    }

    /// Sets some of a project's quotas (admins); 400 for an unknown name or a value below -1.
    public func update(project: String, _ values: [String: Int], by p: Principal) async throws -> VolumeQuota {
        guard p.isAdmin else { throw ControlPlaneError.forbidden("Policy doesn't allow volume_extension:quotas:update to be performed.") }
        for (name, value) in values {
            guard Self.names.contains(name) else { throw ControlPlaneError.badRequest("Invalid input received: Bad key(s) in quota set: \(name)") }
            guard value >= -1 else {
                throw ControlPlaneError.badRequest("Invalid input received: Quota limit \(value) for \(name) must be -1 or greater.")
            }
        }
        return try await retryOnConflict {
            let current = try await store.volumeQuotas.find(project: project)
            var q = current?.value ?? .defaults
            for (name, value) in values {
                switch name {
                case "volumes": q.volumes = value
                case "gigabytes": q.gigabytes = value
                case "snapshots": q.snapshots = value
                case "backups": q.backups = value
                case "backup_gigabytes": q.backupGigabytes = value
                case "groups": q.groups = value
                default: q.perVolumeGigabytes = value
                }
            }
            var txn = Transaction()
            store.volumeQuotas.stagePut(q, project: project, expecting: current?.revision, into: &txn)
            try await store.commit(txn, in: .global)
            return q
        }
    }

    /// Back to the defaults (admins).
    public func reset(project: String, by p: Principal) async throws {
        guard p.isAdmin else { throw ControlPlaneError.forbidden("Policy doesn't allow volume_extension:quotas:delete to be performed.") }
        guard let current = try await store.volumeQuotas.find(project: project) else { return }
        var txn = Transaction()
        store.volumeQuotas.stageDelete(current, project: project, into: &txn)
        try await store.commit(txn, in: .global)
    }
}

extension VolumeQuota {
    /// The limits by Cinder name.
    public var items: [(String, Int)] {
        [("volumes", volumes), ("gigabytes", gigabytes), ("snapshots", snapshots), ("backups", backups),
         ("backup_gigabytes", backupGigabytes), ("per_volume_gigabytes", perVolumeGigabytes), ("groups", groups)]
    }
}

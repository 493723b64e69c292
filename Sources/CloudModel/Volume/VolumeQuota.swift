/// The block-storage limits of a project (Cinder's quota set); -1 means unlimited.
public struct VolumeQuota: Sendable, Hashable {
    public var volumes: Int
    public var gigabytes: Int
    public var snapshots: Int
    public var backups: Int
    public var backupGigabytes: Int
    /// The largest single volume, in GiB.
    public var perVolumeGigabytes: Int
    /// Cinder's generic volume groups (none can be made here: never used, kept and shown as
    /// Cinder's clients expect every quota of a quota set).
    public var groups: Int = 10

    public init(volumes: Int, gigabytes: Int, snapshots: Int, backups: Int, backupGigabytes: Int, perVolumeGigabytes: Int = -1) {
        self.volumes = volumes
        self.gigabytes = gigabytes
        self.snapshots = snapshots
        self.backups = backups
        self.backupGigabytes = backupGigabytes
        self.perVolumeGigabytes = perVolumeGigabytes
    }

    /// Cinder's defaults.
    public static let defaults = VolumeQuota(volumes: 10, gigabytes: 1000, snapshots: 10, backups: 10, backupGigabytes: 1000)
}

public import OpenStackHTTP

/// Every block-storage microversion Cinder defines up to the one LUC serves last, and what LUC
/// does with it: **the one place** that says which version changes what (as
/// `ComputeMicroversions` does for Nova). The maximum is the last version before the first one
/// not built; 3.52 and later are not served (a request for them is 406, as Cinder answers a
/// version above its maximum).
public enum VolumeMicroversions {
    public typealias Change = MicroversionChange

    public static let minimum = APIVersion(3, 0)

    public static let history: [(APIVersion, Change)] = [
        (v(1), .absent("protected and visibility in os-volume_upload_image (no upload to image)")),
        (v(2), .served("bootable filter: true/false values only, 400 otherwise (at every version here)")),
        (v(3), .absent("/messages")),
        (v(4), .served("glance_metadata filter on volume lists")),
        (v(5), .absent("/messages pagination")),
        (v(6), .absent("consistency group update")),
        (v(7), .absent("/clusters and cluster_name in services")),
        (v(8), .absent("manageable volumes and snapshots")),
        (v(9), .served("backup update (name, description)")),
        (v(10), .served("group_id filter on volume lists (no groups here: it matches none)")),
        (v(11), .absent("group types")),
        (v(12), .served("GET /volumes/summary")),
        (v(13), .served("group_id in volume views (null: no generic volume groups; /groups not served)")),
        (v(14), .served("group_snapshot_id in snapshot views (null: /group_snapshots not served)")),
        (v(15), .served("ETag on volume metadata; If-Match on its update (412 when stale)")),
        (v(16), .absent("os-migrate_volume cluster (no migration)")),
        (v(17), .absent("manageable listings by cluster")),
        (v(18), .served("os-backup-project-attr:project_id in backup views for admins")),
        (v(19), .absent("group snapshot reset_status")),
        (v(20), .absent("group reset_status")),
        (v(21), .served("provider_id in volume views for admins (null)")),
        (v(22), .served("metadata filter on snapshot lists")),
        (v(23), .served("force on volume delete (admins)")),
        (v(24), .absent("/workers/cleanup (tasks are adopted by the site's controllers instead)")),
        (v(25), .absent("volumes in group views")),
        (v(26), .absent("failover, freeze, thaw by cluster")),
        (v(27), .absent("/attachments (not built: volumes attach through Nova's os-volume_attachments and the os-attach actions)")),
        (v(28), .absent("scheduler-stats pool filters")),
        (v(29), .absent("group snapshot paging")),
        (v(30), .served("snapshots sorted by name")),
        (v(31), .absent("operator-configured list filters (the filters here are fixed)")),
        (v(32), .absent("service log levels")),
        (v(33), .absent("/resource_filters")),
        (v(34), .served("like filters (name~) on volume, snapshot and backup lists")),
        (v(35), .absent("pool volume-type filter")),
        (v(36), .served("metadata in /volumes/summary")),
        (v(37), .served("backups sorted by name")),
        (v(38), .absent("replication groups")),
        (v(39), .served("project_id on /limits for admins")),
        (v(40), .served("os-revert to the volume's latest snapshot")),
        (v(41), .served("user_id in snapshot views")),
        (v(42), .served("extend of in-use volumes: refused by policy (403), as Cinder with volume:extend_attached_volume off")),
        (v(43), .served("backup metadata")),
        (v(44), .absent("attachment complete (/attachments)")),
        (v(45), .served("count in volume, snapshot and backup lists (with_count)")),
        (v(46), .absent("volumes from Nova's zero-size snapshot images")),
        (v(47), .served("volume create from a backup (backup_id)")),
        (v(48), .served("shared_targets and service_uuid in volume views")),
        (v(49), .absent("backend state in service lists")),
        (v(50), .served("multiattach advertised (no volume type allows it here: multiattach true is 400)")),
        (v(51), .served("backups to another availability zone")),
        (v(52), .pending("volume types by extra_specs and RESKEY:availability_zones")),
    ]

    /// The highest version served: the one before the first pending change.
    public static let maximum = MicroversionChange.maximum(from: minimum, history)


    private static func v(_ minor: Int) -> APIVersion { APIVersion(3, minor) }
}

/// The changes the routes and views ask about, each with the version that brought it (from the
/// table above).
enum VolumeFeature: Sendable {
    case glanceMetadataFilter, backupUpdate, groupFilter, summary, groupInViews, groupSnapshotInViews, metadataETag
    case backupProject, providerID, snapshotMetadataFilter, snapshotSortByName, likeFilters, summaryMetadata
    case backupSortByName, limitsForProject, revert, snapshotUser, extendInUsePolicy, backupMetadata, listCount
    case volumeFromBackup, sharedTargets, multiattach, backupZone

    var since: APIVersion {
        let minor = switch self {
        case .glanceMetadataFilter: 4
        case .backupUpdate: 9
        case .groupFilter: 10
        case .summary: 12
        case .groupInViews: 13
        case .groupSnapshotInViews: 14
        case .metadataETag: 15
        case .backupProject: 18
        case .providerID: 21
        case .snapshotMetadataFilter: 22
        case .snapshotSortByName: 30
        case .likeFilters: 34
        case .summaryMetadata: 36
        case .backupSortByName: 37
        case .limitsForProject: 39
        case .revert: 40
        case .snapshotUser: 41
        case .extendInUsePolicy: 42
        case .backupMetadata: 43
        case .listCount: 45
        case .volumeFromBackup: 47
        case .sharedTargets: 48
        case .multiattach: 50
        case .backupZone: 51
        }
        return APIVersion(3, minor)
    }

    func served(at version: APIVersion) -> Bool { version >= since }
}

public import OpenStackHTTP

/// Every compute microversion Nova defines, 2.2 to 2.100, and what LUC does with it: **the one
/// place** that says which version changes what. The maximum advertised is the last version
/// before the first one not built yet, so a client negotiating "latest" only ever gets formats
/// this cloud really serves.
public enum ComputeMicroversions {
    public enum Change: Sendable {
        /// The version's change is served (formats, calls, validation).
        case served(String)
        /// The change concerns an API LUC does not serve at any version (it answers 404 there,
        /// as Nova does for an API whose service is absent): nothing changes.
        case absent(String)
        /// Not built yet: the maximum stops below it.
        case pending(String)
    }

    public static let minimum = APIVersion(2, 1)

    public static let history: [(APIVersion, Change)] = [
        (v(2), .served("keypair type (ssh, x509); keypair create 201, delete 204")),
        (v(3), .served("more os-extended-server-attributes for admins: reservation_id, launch_index, hostname, kernel_id, ramdisk_id, root_device_name, user_data")),
        (v(4), .absent("os-fixed-ips reserved status")),
        (v(5), .served("ip6 filter on server lists for everyone")),
        (v(6), .served("POST /servers/{id}/remote-consoles (no console proxy here: 400 unavailable console type, as Nova without one)")),
        (v(7), .absent("flavor access is_public check (no os-flavor-access)")),
        (v(8), .served("mks/webmks remote consoles (unavailable, as 2.6)")),
        (v(9), .served("server locked attribute; lock/unlock actions")),
        (v(10), .served("keypairs of other users for admins (user_id)")),
        (v(11), .absent("os-services forced_down")),
        (v(12), .absent("os-virtual-interfaces net_id")),
        (v(13), .served("server groups show project_id, user_id")),
        (v(14), .absent("evacuate onSharedStorage")),
        (v(15), .served("soft-affinity and soft-anti-affinity server group policies (weighed, not enforced)")),
        (v(16), .served("host_status for admins (UP, DOWN, MAINTENANCE, UNKNOWN)")),
        (v(17), .served("trigger_crash_dump action (an NMI through the driver)")),
        (v(18), .served("project_id optional in URLs: this cloud's URLs never carry one (the catalog names none)")),
        (v(19), .served("server description (create, update, show)")),
        (v(20), .absent("volume attach and detach while shelved (no shelve, no os-volume_attachments yet)")),
        (v(21), .served("instance actions of deleted servers")),
        (v(22), .absent("force live migration complete")),
        (v(23), .absent("server migrations")),
        (v(24), .absent("cancel live migration")),
        (v(25), .absent("os-migrateLive block_migration auto")),
        (v(26), .pending("server tags")),
        (v(27), .served("OpenStack-API-Version header (both forms accepted at every version)")),
        (v(28), .pending("hypervisor cpu_info as an object")),
        (v(29), .absent("evacuate force")),
        (v(30), .absent("live-migrate force")),
        (v(31), .absent("os-console-auth-tokens")),
        (v(32), .pending("device tags at boot")),
        (v(33), .pending("hypervisor pagination")),
        (v(34), .absent("live migration checks in background")),
        (v(35), .pending("keypair pagination")),
        (v(36), .pending("proxy APIs 404, network quotas removed")),
        (v(37), .pending("networks required at boot (auto, none)")),
        (v(38), .pending("invalid status filter is 400 for everyone")),
        (v(39), .pending("maxImageMeta removed from limits")),
        (v(40), .pending("simple tenant usage pagination")),
        (v(41), .absent("aggregate uuid")),
        (v(42), .pending("device tags at boot restored")),
        (v(43), .absent("os-hosts removed")),
        (v(44), .pending("network proxy actions removed")),
        (v(45), .absent("createImage returns image_id")),
        (v(46), .served("X-OpenStack-Request-Id on every response")),
        (v(47), .pending("flavor embedded in servers")),
        (v(48), .pending("standard diagnostics")),
        (v(49), .pending("tagged interface and volume attach")),
        (v(50), .absent("quota class sets server groups")),
        (v(51), .pending("volume-extended event; events in instance action show")),
        (v(52), .pending("tags at boot")),
        (v(53), .pending("hypervisor and service UUIDs")),
        (v(54), .pending("keypair at rebuild")),
        (v(55), .pending("flavor description")),
        (v(56), .absent("migrate to a host")),
        (v(57), .pending("personality removed")),
        (v(58), .pending("instance action pagination")),
        (v(59), .absent("migration pagination")),
        (v(60), .pending("multiattach volumes")),
        (v(61), .pending("flavor extra_specs in views")),
        (v(62), .pending("host in instance action events")),
        (v(63), .pending("trusted image certificates")),
        (v(64), .pending("server group policy and rules")),
        (v(65), .absent("abort queued live migration")),
        (v(66), .pending("changes-before filter")),
        (v(67), .pending("volume_type in block device mappings")),
        (v(68), .absent("live migration force removed")),
        (v(69), .pending("servers of unreachable sites shown minimal and UNKNOWN")),
        (v(70), .pending("device tags in interfaces and volume attachments")),
        (v(71), .pending("server_groups in server show")),
        (v(72), .pending("neutron resource requests")),
        (v(73), .pending("locked_reason; lock with a reason; locked filter")),
        (v(74), .pending("host and hypervisor_hostname at boot")),
        (v(75), .pending("strict query parameters; rebuild answer as show")),
        (v(76), .pending("power-update event")),
        (v(77), .pending("unshelve availability zone")),
        (v(78), .pending("server topology")),
        (v(79), .pending("delete_on_termination in volume attachments")),
        (v(80), .absent("migrations user and project filters")),
        (v(81), .absent("image cache pre-caching")),
        (v(82), .absent("accelerator request events")),
        (v(83), .pending("more server list filters for non-admins")),
        (v(84), .pending("instance action event details")),
        (v(85), .pending("volume attachment update")),
        (v(86), .pending("flavor extra spec validation")),
        (v(87), .pending("rescue of volume-backed servers")),
        (v(88), .pending("hypervisor statistics and fields removed")),
        (v(89), .pending("volume attachment attachment_id and bdm_uuid")),
        (v(90), .pending("hostname at boot, update and rebuild")),
        (v(91), .pending("unshelve to a host")),
        (v(92), .pending("keypair generation refused")),
        (v(93), .pending("rebuild of volume-backed servers")),
        (v(94), .pending("FQDN hostnames")),
        (v(95), .absent("evacuate to STOPPED")),
        (v(96), .pending("pinned_availability_zone")),
        (v(97), .pending("shares")),
        (v(98), .pending("image properties in server show")),
        (v(99), .pending("spice direct consoles")),
        (v(100), .pending("scheduler_hints in server show")),
    ]

    /// The highest version served: the one before the first pending change.
    public static let maximum: APIVersion = {
        var served = minimum
        for (version, change) in history {
            if case .pending = change { break }
            served = version
        }
        return served
    }()

    private static func v(_ minor: Int) -> APIVersion { APIVersion(2, minor) }
}

/// Format and behaviour changes the views and routes ask about, each with the version that
/// brought it (from the table above). `context.serves(.keypairType)` and nothing else.
enum ComputeFeature: Sendable {
    case keypairType, keypairCreated201
    case extendedAttributes
    case ip6FilterForEveryone
    case remoteConsoles
    case locked
    case keypairUserID
    case serverGroupOwner
    case softGroupPolicies
    case hostStatus
    case crashDump
    case description
    case deletedServerActions

    var since: APIVersion {
        switch self {
        case .keypairType, .keypairCreated201: APIVersion(2, 2)
        case .extendedAttributes: APIVersion(2, 3)
        case .ip6FilterForEveryone: APIVersion(2, 5)
        case .remoteConsoles: APIVersion(2, 6)
        case .locked: APIVersion(2, 9)
        case .keypairUserID: APIVersion(2, 10)
        case .serverGroupOwner: APIVersion(2, 13)
        case .softGroupPolicies: APIVersion(2, 15)
        case .hostStatus: APIVersion(2, 16)
        case .crashDump: APIVersion(2, 17)
        case .description: APIVersion(2, 19)
        case .deletedServerActions: APIVersion(2, 21)
        }
    }

    func served(at version: APIVersion) -> Bool { version >= since }
}

extension APIRequestContext {
    /// The compute microversion of the request (2.1 when none was asked).
    var computeVersion: APIVersion { apiVersion ?? ComputeMicroversions.minimum }

    /// Whether the request's microversion has `feature`.
    func serves(_ feature: ComputeFeature) -> Bool { feature.served(at: computeVersion) }
}

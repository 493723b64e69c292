public import OpenStackHTTP

/// Every compute microversion Nova defines, 2.2 to 2.100, and what LUC does with it: **the one
/// place** that says which version changes what. The maximum advertised is the last version
/// before the first one not built yet, so a client negotiating "latest" only ever gets formats
/// this cloud really serves.
public enum ComputeMicroversions {
    public typealias Change = MicroversionChange

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
        (v(20), .absent("volume attach and detach while shelved (no shelve)")),
        (v(21), .served("instance actions of deleted servers")),
        (v(22), .absent("force live migration complete")),
        (v(23), .absent("server migrations")),
        (v(24), .absent("cancel live migration")),
        (v(25), .absent("os-migrateLive block_migration auto")),
        (v(26), .served("server tags: /servers/{id}/tags, tags in views, tags/tags-any/not-tags/not-tags-any filters")),
        (v(27), .served("OpenStack-API-Version header (both forms accepted at every version)")),
        (v(28), .served("hypervisor cpu_info as an object")),
        (v(29), .absent("evacuate force")),
        (v(30), .absent("live-migrate force")),
        (v(31), .absent("os-console-auth-tokens")),
        (v(32), .served("device tags on networks and block device mappings at boot")),
        (v(33), .served("hypervisor list pagination (limit, marker)")),
        (v(34), .absent("live migration checks in background")),
        (v(35), .served("keypair list pagination (limit, marker)")),
        (v(36), .served("network proxy quotas and limits removed (the proxy APIs are never served)")),
        (v(37), .served("networks required at boot: auto, none or a list")),
        (v(38), .served("an invalid status filter is 400 for everyone")),
        (v(39), .served("maxImageMeta removed from limits")),
        (v(40), .served("simple tenant usage pagination (limit, marker)")),
        (v(41), .absent("aggregate uuid (no os-aggregates)")),
        (v(42), .served("device tags at boot restored")),
        (v(43), .absent("os-hosts removed")),
        (v(44), .absent("addFixedIp, removeFixedIp, addFloatingIp, removeFloatingIp, os-virtual-interfaces removed (never served)")),
        (v(45), .absent("createImage returns image_id")),
        (v(46), .served("X-OpenStack-Request-Id on every response")),
        (v(47), .served("flavor embedded in servers")),
        (v(48), .absent("standard server diagnostics (no diagnostics API)")),
        (v(49), .served("tagged attach of interfaces (os-interface) and volumes (os-volume_attachments)")),
        (v(50), .absent("quota class sets server groups")),
        (v(51), .absent("volume-extended external event (no os-server-external-events)")),
        (v(52), .served("tags at boot")),
        (v(53), .served("hypervisor UUIDs; hypervisor_hostname_pattern and with_servers")),
        (v(54), .absent("keypair at rebuild (no rebuild)")),
        (v(55), .served("flavor description; PUT /flavors/{id}")),
        (v(56), .absent("migrate to a host")),
        (v(57), .served("personality removed; maxPersonality and injected file quotas removed")),
        (v(58), .served("instance action pagination, changes-since, updated_at")),
        (v(59), .absent("migration pagination")),
        (v(60), .absent("multiattach volumes (a volume attaches to one server)")),
        (v(61), .served("flavor extra_specs in views")),
        (v(62), .served("host and hostId in instance action events")),
        (v(63), .served("trusted_image_certificates (no signature verification here: requests naming certificates are 400)")),
        (v(64), .served("server group policy and rules (max_server_per_host)")),
        (v(65), .absent("abort queued live migration")),
        (v(66), .served("changes-before filter on servers and instance actions")),
        (v(67), .served("volume_type in block device mappings (volume mappings are refused until boot from volume)")),
        (v(68), .absent("live migration force removed")),
        (v(69), .served("servers of unreachable sites shown minimal and UNKNOWN (left out below)")),
        (v(70), .served("device tags shown in os-interface and os-volume_attachments")),
        (v(71), .served("server_groups in server show and update")),
        (v(72), .absent("neutron ports with resource requests (no QoS minimum bandwidth here: ports have none)")),
        (v(73), .served("locked_reason; lock with a reason; locked filter")),
        (v(74), .served("host and hypervisor_hostname at boot (admins)")),
        (v(75), .served("unknown query parameters 400; update answers as show; flavor swap 0; hypervisor servers always")),
        (v(76), .absent("power-update external event")),
        (v(77), .absent("unshelve availability zone (no shelve)")),
        (v(78), .served("server topology (no NUMA guests here: empty)")),
        (v(79), .served("delete_on_termination in volume attachments")),
        (v(80), .absent("migrations user and project filters")),
        (v(81), .absent("image cache pre-caching")),
        (v(82), .absent("accelerator request events")),
        (v(83), .served("more server list filters for non-admins")),
        (v(84), .served("instance action event details")),
        (v(85), .absent("volume attachment update (PUT os-volume_attachments: no volume swap or update)")),
        (v(86), .absent("flavor extra spec validation (extra specs are not writable here)")),
        (v(87), .absent("rescue of volume-backed servers (no rescue)")),
        (v(88), .served("hypervisor statistics and usage fields removed; uptime in hypervisor views")),
        (v(89), .served("volume attachments show attachment_id and bdm_uuid, not id")),
        (v(90), .served("hostname at boot and update; OS-EXT-SRV-ATTR:hostname for everyone")),
        (v(91), .absent("unshelve to a host (no shelve)")),
        (v(92), .served("keypair generation refused; '@' and '.' allowed in names")),
        (v(93), .absent("rebuild of volume-backed servers (no rebuild)")),
        (v(94), .served("FQDN hostnames")),
        (v(95), .absent("evacuate to STOPPED")),
        (v(96), .served("pinned_availability_zone")),
        (v(97), .absent("Manila share attachments (no file share service)")),
        (v(98), .served("image properties in server views")),
        (v(99), .served("spice-direct console type (no console proxy: unavailable, as every type)")),
        (v(100), .served("scheduler_hints in server views")),
    ]

    /// The highest version served: the one before the first pending change.
    public static let maximum = MicroversionChange.maximum(from: minimum, history)


    private static func v(_ minor: Int) -> APIVersion { APIVersion(2, minor) }
}

/// Format and behaviour changes the views and routes ask about, each with the version that
/// brought it (from the table above). `context.serves(.keypairType)` and nothing else.
enum ComputeFeature: Sendable {
    case keypairType, keypairCreated201
    case extendedAttributes
    case ip6FilterForEveryone
    case remoteConsoles
    case mksConsoles
    case locked
    case keypairUserID
    case serverGroupOwner
    case softGroupPolicies
    case hostStatus
    case crashDump
    case description
    case deletedServerActions
    case tags
    case hypervisorCPUInfoObject
    case deviceTags
    case interfaceTags
    case interfaceTagsShown
    case volumeDeleteOnTermination
    case volumeAttachmentIDs
    case hypervisorPagination
    case keypairPagination
    case noNetworkProxyLimits
    case networksRequired
    case statusFilterStrict
    case noImageMetaLimit
    case usagePagination
    case flavorEmbedded
    case tagsAtBoot
    case hypervisorUUIDs
    case flavorDescription
    case noPersonality
    case actionPagination
    case flavorExtraSpecs
    case eventHost
    case trustedCertificates
    case groupPolicyRules
    case changesBefore
    case bdmVolumeType
    case downSiteMinimal
    case serverGroupsInShow
    case lockedReason
    case requestedDestination
    case strictQuery, fullUpdateView, swapZero, hypervisorServersAlways
    case topology
    case moreFiltersForEveryone
    case eventDetails
    case hypervisorTrimmed
    case hostname
    case keypairGenerationRefused
    case fqdnHostname
    case pinnedZone
    case imageProperties
    case spiceDirect
    case schedulerHints

    var since: APIVersion {
        switch self {
        case .keypairType, .keypairCreated201: v(2)
        case .extendedAttributes: v(3)
        case .ip6FilterForEveryone: v(5)
        case .remoteConsoles: v(6)
        case .mksConsoles: v(8)
        case .locked: v(9)
        case .keypairUserID: v(10)
        case .serverGroupOwner: v(13)
        case .softGroupPolicies: v(15)
        case .hostStatus: v(16)
        case .crashDump: v(17)
        case .description: v(19)
        case .deletedServerActions: v(21)
        case .tags: v(26)
        case .hypervisorCPUInfoObject: v(28)
        case .deviceTags: v(32)
        case .interfaceTags: v(49)
        case .interfaceTagsShown: v(70)
        case .volumeDeleteOnTermination: v(79)
        case .volumeAttachmentIDs: v(89)
        case .hypervisorPagination: v(33)
        case .keypairPagination: v(35)
        case .noNetworkProxyLimits: v(36)
        case .networksRequired: v(37)
        case .statusFilterStrict: v(38)
        case .noImageMetaLimit: v(39)
        case .usagePagination: v(40)
        case .flavorEmbedded: v(47)
        case .tagsAtBoot: v(52)
        case .hypervisorUUIDs: v(53)
        case .flavorDescription: v(55)
        case .noPersonality: v(57)
        case .actionPagination: v(58)
        case .flavorExtraSpecs: v(61)
        case .eventHost: v(62)
        case .trustedCertificates: v(63)
        case .groupPolicyRules: v(64)
        case .changesBefore: v(66)
        case .bdmVolumeType: v(67)
        case .downSiteMinimal: v(69)
        case .serverGroupsInShow: v(71)
        case .lockedReason: v(73)
        case .requestedDestination: v(74)
        case .strictQuery, .fullUpdateView, .swapZero, .hypervisorServersAlways: v(75)
        case .topology: v(78)
        case .moreFiltersForEveryone: v(83)
        case .eventDetails: v(84)
        case .hypervisorTrimmed: v(88)
        case .hostname: v(90)
        case .keypairGenerationRefused: v(92)
        case .fqdnHostname: v(94)
        case .pinnedZone: v(96)
        case .imageProperties: v(98)
        case .spiceDirect: v(99)
        case .schedulerHints: v(100)
        }
    }

    /// Whether `version` has the feature. Device tags at boot were lost from 2.33 (mappings)
    /// and 2.37 (networks) and restored in 2.42; LUC accepts them at 2.32 and from 2.42.
    func served(at version: APIVersion) -> Bool {
        if self == .deviceTags { return version == v(32) || version >= v(42) }
        return version >= since
    }

    private func v(_ minor: Int) -> APIVersion { APIVersion(2, minor) }
}

extension APIRequestContext {
    /// The compute microversion of the request (2.1 when none was asked).
    var computeVersion: APIVersion { apiVersion ?? ComputeMicroversions.minimum }

    /// Whether the request's microversion has `feature`.
    func serves(_ feature: ComputeFeature) -> Bool { feature.served(at: computeVersion) }
}

import CloudModel
import ControlPlane
import Foundation
import OpenStackHTTP
import Scheduling

/// Nova's views of flavors, keypairs, hypervisors, limits, quotas and instance actions, at the
/// request's microversion.
struct ComputeViews {
    let links: Links

    func flavor(_ f: Flavor, version: APIVersion) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .string(f.id)), ("name", .string(f.name)), ("ram", .int(f.ramMB)), ("vcpus", .int(f.vcpus)),
            ("disk", .int(f.diskGB)), ("swap", f.swapMB == 0 && !ComputeFeature.swapZero.served(at: version) ? "" : .int(f.swapMB)),
            ("OS-FLV-EXT-DATA:ephemeral", .int(f.ephemeralGB)), ("OS-FLV-DISABLED:disabled", .bool(f.disabled)),
            ("os-flavor-access:is_public", .bool(f.isPublic)), ("rxtx_factor", .double(f.rxtxFactor)),
            ("links", links.links("flavors", f.id)),
        ]
        if ComputeFeature.flavorDescription.served(at: version) { m.append(("description", JSON(f.description))) }
        // Extra specs cannot be set in this cloud: every flavor has none.
        if ComputeFeature.flavorExtraSpecs.served(at: version) { m.append(("extra_specs", .object([]))) }
        return .object(m)
    }

    func flavorBrief(_ f: Flavor, version: APIVersion) -> JSON {
        var m: [(String, JSON)] = [("id", .string(f.id)), ("name", .string(f.name)), ("links", links.links("flavors", f.id))]
        if ComputeFeature.flavorDescription.served(at: version) { m.append(("description", JSON(f.description))) }
        return .object(m)
    }

    /// The create answer; `type` from 2.2.
    func keypair(_ k: Keypair, privateKey: String? = nil, withType: Bool) -> JSON {
        var m: [(String, JSON)] = [("name", .string(k.name)), ("public_key", .string(k.publicKey)),
                                   ("fingerprint", .string(k.fingerprint)), ("user_id", .string(k.userID))]
        if let privateKey { m.append(("private_key", .string(privateKey))) }
        if withType { m.append(("type", .string(k.type))) }
        return .object(m)
    }

    func keypairListItem(_ k: Keypair, withType: Bool) -> JSON {
        var m: [(String, JSON)] = [("name", .string(k.name)), ("public_key", .string(k.publicKey)),
                                   ("fingerprint", .string(k.fingerprint))]
        if withType { m.append(("type", .string(k.type))) }
        return .object([("keypair", .object(m))])
    }

    func keypairDetail(_ k: Keypair, withType: Bool) -> JSON {
        var m: [(String, JSON)] = [
            ("name", .string(k.name)), ("public_key", .string(k.publicKey)), ("fingerprint", .string(k.fingerprint)),
            ("user_id", .string(k.userID)), ("id", .int(k.number)), ("created_at", .string(Timestamps.micros(k.createdAt))),
            ("updated_at", .null), ("deleted", false), ("deleted_at", .null),
        ]
        if withType { m.append(("type", .string(k.type))) }
        return .object(m)
    }

    /// A hypervisor: IDs are numbers below 2.53 and UUIDs from it; from 2.88 the usage fields
    /// are gone and `uptime` is in the detail.
    func hypervisor(_ h: HostSnapshot, detail: Bool, runningVMs: Int, servers: [Server]?, version: APIVersion) -> JSON {
        let host = h.host
        let uuids = ComputeFeature.hypervisorUUIDs.served(at: version)
        var m: [(String, JSON)] = [
            ("id", uuids ? .string(host.id) : .int(host.number)), ("hypervisor_hostname", .string(host.name)),
            ("state", .string(h.isUp ? "up" : "down")), ("status", .string(host.enabled ? "enabled" : "disabled")),
        ]
        if detail {
            m += [("hypervisor_type", .string(host.hypervisorType)), ("hypervisor_version", 1000), ("host_ip", .string(host.hostIP))]
            if ComputeFeature.hypervisorTrimmed.served(at: version) {
                m.append(("uptime", .null))
            } else {
                let cpuInfo: JSON = ComputeFeature.hypervisorCPUInfoObject.served(at: version)
                    ? .object([("arch", "x86_64")]) : .string("{\"arch\": \"x86_64\"}")
                m += [
                    ("vcpus", .int(host.capacity.vcpus)), ("vcpus_used", .int(host.used.vcpus)),
                    ("memory_mb", .int(host.capacity.ramMB)), ("memory_mb_used", .int(host.used.ramMB)),
                    ("free_ram_mb", .int(host.capacity.ramMB - host.used.ramMB)), ("local_gb", .int(host.capacity.diskGB)),
                    ("local_gb_used", .int(host.used.diskGB)), ("free_disk_gb", .int(host.capacity.diskGB - host.used.diskGB)),
                    ("disk_available_least", .int(host.capacity.diskGB - host.used.diskGB)), ("current_workload", 0),
                    ("running_vms", .int(runningVMs)), ("cpu_info", cpuInfo),
                ]
            }
            m.append(("service", .object([("host", .string(host.name)), ("id", uuids ? .string(host.id) : .int(host.number)),
                                          ("disabled_reason", .null)])))
        }
        if let servers {
            m.append(("servers", .array(servers.map { .object([("uuid", .string($0.id)), ("name", .string("instance-" + $0.id.prefix(8)))]) })))
        }
        return .object(m)
    }

    /// An instance action; `server` (nil once deleted) gives the events' host (2.62).
    func instanceAction(_ a: InstanceAction, events: Bool, admin: Bool, server: Server?, version: APIVersion) -> JSON {
        var m: [(String, JSON)] = [
            ("action", .string(a.action)), ("instance_uuid", .string(a.serverID)), ("message", JSON(a.message)),
            ("project_id", .string(a.projectID)), ("request_id", .string(a.requestID)),
            ("start_time", .string(Timestamps.micros(a.startTime))), ("user_id", .string(a.userID)),
        ]
        if ComputeFeature.actionPagination.served(at: version) {
            m.append(("updated_at", .string(Timestamps.micros(a.finishTime ?? a.startTime))))
        }
        if events {
            var event: [(String, JSON)] = [
                ("event", .string("compute_\(a.action)_instance")), ("start_time", .string(Timestamps.micros(a.startTime))),
                ("finish_time", JSON(a.finishTime.map(Timestamps.micros))), ("result", JSON(a.result)),
            ]
            if admin { event.append(("traceback", JSON(a.result == "Error" ? a.message : nil))) }
            if ComputeFeature.eventHost.served(at: version) {
                let placed = server.flatMap { s in s.hostName.map { _ in s } }
                event.append(("hostId", .string(placed.map(ServerViews.hostID) ?? "")))
                if admin { event.append(("host", .string(placed?.hostName ?? ""))) }
            }
            if ComputeFeature.eventDetails.served(at: version) {
                event.append(("details", JSON(a.result == "Error" ? a.message : nil)))
            }
            m.append(("events", [.object(event)]))
        }
        return .object(m)
    }

    /// A quota set; network quotas go at 2.36 and injected-file quotas at 2.57.
    static func quotaSet(_ q: Quota, id: String, version: APIVersion) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .string(id)), ("instances", .int(q.instances)), ("cores", .int(q.cores)), ("ram", .int(q.ramMB)),
            ("key_pairs", .int(q.keyPairs)), ("metadata_items", .int(q.metadataItems)),
        ]
        if !ComputeFeature.noPersonality.served(at: version) {
            m += [("injected_files", 5), ("injected_file_content_bytes", 10240), ("injected_file_path_bytes", 255)]
        }
        if !ComputeFeature.noNetworkProxyLimits.served(at: version) {
            m += [("security_groups", -1), ("security_group_rules", -1), ("floating_ips", -1), ("fixed_ips", -1)]
        }
        m += [("server_groups", 10), ("server_group_members", 10)]
        return .object(m)
    }

    /// Absolute limits; network ones go at 2.36, maxImageMeta at 2.39, personality at 2.57.
    static func limits(_ q: Quota, usage: Usage, version: APIVersion) -> JSON {
        var m: [(String, JSON)] = [
            ("maxTotalInstances", .int(q.instances)), ("maxTotalCores", .int(q.cores)), ("maxTotalRAMSize", .int(q.ramMB)),
            ("maxTotalKeypairs", .int(q.keyPairs)), ("maxServerMeta", .int(q.metadataItems)),
        ]
        if !ComputeFeature.noImageMetaLimit.served(at: version) { m.append(("maxImageMeta", 128)) }
        if !ComputeFeature.noPersonality.served(at: version) { m += [("maxPersonality", 5), ("maxPersonalitySize", 10240)] }
        let network = !ComputeFeature.noNetworkProxyLimits.served(at: version)
        if network { m += [("maxSecurityGroups", -1), ("maxSecurityGroupRules", -1), ("maxTotalFloatingIps", -1)] }
        m += [("maxServerGroups", 10), ("maxServerGroupMembers", 10), ("totalInstancesUsed", .int(usage.instances)),
              ("totalCoresUsed", .int(usage.cores)), ("totalRAMUsed", .int(usage.ramMB))]
        if network { m += [("totalSecurityGroupsUsed", 0), ("totalFloatingIpsUsed", 0)] }
        m.append(("totalServerGroupsUsed", 0))
        return .object([("limits", .object([("rate", []), ("absolute", .object(m))]))])
    }
}

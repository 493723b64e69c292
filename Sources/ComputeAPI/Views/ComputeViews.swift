import CloudModel
import ControlPlane
import Foundation
import OpenStackHTTP
import Scheduling

/// Nova's views of flavors, keypairs, hypervisors, limits, quotas and instance actions at 2.1.
struct ComputeViews {
    let links: Links

    func flavor(_ f: Flavor) -> JSON {
        .object([
            ("id", .string(f.id)), ("name", .string(f.name)), ("ram", .int(f.ramMB)), ("vcpus", .int(f.vcpus)),
            ("disk", .int(f.diskGB)), ("swap", f.swapMB == 0 ? "" : .int(f.swapMB)),
            ("OS-FLV-EXT-DATA:ephemeral", .int(f.ephemeralGB)), ("OS-FLV-DISABLED:disabled", .bool(f.disabled)),
            ("os-flavor-access:is_public", .bool(f.isPublic)), ("rxtx_factor", .double(f.rxtxFactor)),
            ("links", links.links("flavors", f.id)),
        ])
    }

    func flavorBrief(_ f: Flavor) -> JSON {
        .object([("id", .string(f.id)), ("name", .string(f.name)), ("links", links.links("flavors", f.id))])
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

    func hypervisor(_ h: HostSnapshot, detail: Bool, runningVMs: Int) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .int(h.host.number)), ("hypervisor_hostname", .string(h.host.name)),
            ("state", .string(h.isUp ? "up" : "down")), ("status", .string(h.host.enabled ? "enabled" : "disabled")),
        ]
        if detail {
            let host = h.host
            m += [
                ("hypervisor_type", .string(host.hypervisorType)), ("hypervisor_version", 1000),
                ("host_ip", .string(host.hostIP)), ("vcpus", .int(host.capacity.vcpus)), ("vcpus_used", .int(host.used.vcpus)),
                ("memory_mb", .int(host.capacity.ramMB)), ("memory_mb_used", .int(host.used.ramMB)),
                ("free_ram_mb", .int(host.capacity.ramMB - host.used.ramMB)), ("local_gb", .int(host.capacity.diskGB)),
                ("local_gb_used", .int(host.used.diskGB)), ("free_disk_gb", .int(host.capacity.diskGB - host.used.diskGB)),
                ("disk_available_least", .int(host.capacity.diskGB - host.used.diskGB)), ("current_workload", 0),
                ("running_vms", .int(runningVMs)), ("cpu_info", .string("{\"arch\": \"x86_64\"}")),
                ("service", .object([("host", .string(host.name)), ("id", .int(host.number)), ("disabled_reason", .null)])),
            ]
        }
        return .object(m)
    }

    func instanceAction(_ a: InstanceAction, events: Bool, admin: Bool) -> JSON {
        var m: [(String, JSON)] = [
            ("action", .string(a.action)), ("instance_uuid", .string(a.serverID)), ("message", JSON(a.message)),
            ("project_id", .string(a.projectID)), ("request_id", .string(a.requestID)),
            ("start_time", .string(Timestamps.micros(a.startTime))), ("user_id", .string(a.userID)),
        ]
        if events {
            var event: [(String, JSON)] = [
                ("event", .string("compute_\(a.action)_instance")), ("start_time", .string(Timestamps.micros(a.startTime))),
                ("finish_time", JSON(a.finishTime.map(Timestamps.micros))), ("result", JSON(a.result)),
            ]
            if admin { event.append(("traceback", JSON(a.result == "Error" ? a.message : nil))) }
            m.append(("events", [.object(event)]))
        }
        return .object(m)
    }

    static func quotaSet(_ q: Quota, id: String) -> JSON {
        .object([
            ("id", .string(id)), ("instances", .int(q.instances)), ("cores", .int(q.cores)), ("ram", .int(q.ramMB)),
            ("key_pairs", .int(q.keyPairs)), ("metadata_items", .int(q.metadataItems)), ("injected_files", 5),
            ("injected_file_content_bytes", 10240), ("injected_file_path_bytes", 255), ("security_groups", -1),
            ("security_group_rules", -1), ("floating_ips", -1), ("fixed_ips", -1), ("server_groups", 10),
            ("server_group_members", 10),
        ])
    }

    static func limits(_ q: Quota, usage: Usage) -> JSON {
        .object([("limits", .object([
            ("rate", []),
            ("absolute", .object([
                ("maxTotalInstances", .int(q.instances)), ("maxTotalCores", .int(q.cores)), ("maxTotalRAMSize", .int(q.ramMB)),
                ("maxTotalKeypairs", .int(q.keyPairs)), ("maxServerMeta", .int(q.metadataItems)), ("maxImageMeta", 128),
                ("maxPersonality", 5), ("maxPersonalitySize", 10240), ("maxSecurityGroups", -1),
                ("maxSecurityGroupRules", -1), ("maxTotalFloatingIps", -1), ("maxServerGroups", 10),
                ("maxServerGroupMembers", 10), ("totalInstancesUsed", .int(usage.instances)),
                ("totalCoresUsed", .int(usage.cores)), ("totalRAMUsed", .int(usage.ramMB)), ("totalSecurityGroupsUsed", 0),
                ("totalFloatingIpsUsed", 0), ("totalServerGroupsUsed", 0),
            ])),
        ]))])
    }
}

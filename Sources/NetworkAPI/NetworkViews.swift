import CloudModel
import ControlPlane
import Foundation
import OpenStackHTTP

/// Neutron's JSON views (tempest validates them strictly): every attribute of the extensions
/// this cloud lists, with their standard attributes (description, timestamps, revision, tags).
enum NetworkViews {
    static func standard(_ projectID: String, description: String, created: Date, updated: Date, revision: Int) -> [(String, JSON)] {
        [("tenant_id", .string(projectID)), ("project_id", .string(projectID)), ("description", .string(description)),
         ("tags", []), ("created_at", .string(Timestamps.seconds(created))), ("updated_at", .string(Timestamps.seconds(updated))),
         ("revision_number", .int(revision))]
    }

    static func network(_ n: Network, subnets: [Subnet.ID], admin: Bool) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .string(n.id)), ("name", .string(n.name)), ("status", "ACTIVE"), ("admin_state_up", .bool(n.adminStateUp)),
            ("subnets", .array(subnets.map(JSON.string))), ("shared", .bool(n.shared)), ("router:external", .bool(n.external)),
            ("mtu", .int(n.mtu)), ("port_security_enabled", .bool(n.portSecurityEnabled)),
            ("availability_zone_hints", .array(n.zoneHints.map(JSON.string))),
            ("availability_zones", .array((n.uplinkSite.map { [$0] } ?? []).map(JSON.string))),
            ("ipv4_address_scope", .null), ("ipv6_address_scope", .null),
        ]
        m += standard(n.projectID, description: n.description, created: n.createdAt, updated: n.updatedAt, revision: n.revision)
        if admin {
            m += [("provider:network_type", "vxlan"), ("provider:physical_network", .null), ("provider:segmentation_id", .int(n.segmentationID))]
        }
        return .object(m)
    }

    static func subnet(_ s: Subnet) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .string(s.id)), ("name", .string(s.name)), ("network_id", .string(s.networkID)), ("ip_version", 4),
            ("cidr", .string(s.cidr.description)), ("gateway_ip", JSON(s.gateway?.description)),
            ("allocation_pools", .array(s.pools.map { .object([("start", .string($0.start.description)), ("end", .string($0.end.description))]) })),
            ("dns_nameservers", .array(s.dnsNameservers.map(JSON.string))),
            ("host_routes", .array(s.hostRoutes.map { .object([("destination", .string($0.destination.description)), ("nexthop", .string($0.nexthop.description))]) })),
            ("enable_dhcp", .bool(s.enableDHCP)), ("ipv6_ra_mode", .null), ("ipv6_address_mode", .null), ("subnetpool_id", .null),
            ("service_types", []),
        ]
        m += standard(s.projectID, description: s.description, created: s.createdAt, updated: s.updatedAt, revision: s.revision)
        return .object(m)
    }

    static func port(_ p: NetworkPort, admin: Bool) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .string(p.id)), ("name", .string(p.name)), ("network_id", .string(p.networkID)), ("mac_address", .string(p.macAddress)),
            ("admin_state_up", .bool(p.adminStateUp)), ("status", .string(p.status)), ("device_id", .string(p.deviceID)),
            ("device_owner", .string(p.deviceOwner)),
            ("fixed_ips", .array(p.fixedIPs.map { .object([("subnet_id", .string($0.subnetID)), ("ip_address", .string($0.address.description))]) })),
            ("allowed_address_pairs", []), ("extra_dhcp_opts", []), ("security_groups", .array(p.securityGroupIDs.map(JSON.string))),
            ("port_security_enabled", .bool(p.portSecurityEnabled)), ("binding:vnic_type", "normal"),
        ]
        m += standard(p.projectID, description: p.description, created: p.createdAt, updated: p.updatedAt, revision: p.revision)
        if admin {
            m += [("binding:host_id", .string(p.hostID ?? "")), ("binding:profile", .object([])), ("binding:vif_details", .object([])),
                  ("binding:vif_type", .string(p.hostID == nil ? "unbound" : "bridge"))]
        }
        return .object(m)
    }

    static func router(_ r: NetworkRouter) -> JSON {
        let gateway: JSON = r.gateway.map { g in
            .object([("network_id", .string(g.networkID)), ("enable_snat", .bool(g.enableSNAT)),
                     ("external_fixed_ips", .array(g.fixedIPs.map { .object([("subnet_id", .string($0.subnetID)), ("ip_address", .string($0.address.description))]) }))])
        } ?? .null
        var m: [(String, JSON)] = [
            ("id", .string(r.id)), ("name", .string(r.name)), ("status", "ACTIVE"), ("admin_state_up", .bool(r.adminStateUp)),
            ("external_gateway_info", gateway), ("routes", []), ("distributed", false), ("ha", false), ("flavor_id", .null),
            ("availability_zone_hints", .array([.string(r.site)])), ("availability_zones", .array([.string(r.site)])),
        ]
        m += standard(r.projectID, description: r.description, created: r.createdAt, updated: r.updatedAt, revision: r.revision)
        return .object(m)
    }

    static func interfaceInfo(_ i: RouterService.InterfaceInfo) -> JSON {
        .object([("id", .string(i.routerID)), ("network_id", .string(i.networkID)), ("port_id", .string(i.portID)),
                 ("subnet_id", .string(i.subnetID)), ("subnet_ids", [.string(i.subnetID)]), ("tenant_id", .string(i.projectID)),
                 ("project_id", .string(i.projectID)), ("tags", [])])
    }

    static func floatingIP(_ f: FloatingIP) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .string(f.id)), ("floating_network_id", .string(f.networkID)), ("floating_ip_address", .string(f.address.description)),
            ("fixed_ip_address", JSON(f.association?.fixedAddress.description)), ("port_id", JSON(f.association?.portID)),
            ("router_id", JSON(f.association?.routerID)), ("status", .string(f.status)), ("qos_policy_id", .null),
        ]
        m += standard(f.projectID, description: f.description, created: f.createdAt, updated: f.updatedAt, revision: f.revision)
        return .object(m)
    }

    static func securityGroup(_ g: SecurityGroup) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .string(g.id)), ("name", .string(g.name)), ("security_group_rules", .array(g.rules.map { rule($0, group: g) })),
            ("stateful", .bool(g.stateful)), ("shared", false),
        ]
        m += standard(g.projectID, description: g.description, created: g.createdAt, updated: g.updatedAt, revision: g.revision)
        return .object(m)
    }

    static func rule(_ r: SecurityGroupRule, group: SecurityGroup? = nil) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .string(r.id)), ("security_group_id", .string(r.securityGroupID)), ("direction", .string(r.direction.rawValue)),
            ("ethertype", .string(r.ethertype)), ("protocol", JSON(r.proto)), ("port_range_min", JSON(r.portRangeMin)),
            ("port_range_max", JSON(r.portRangeMax)), ("remote_ip_prefix", JSON(r.remoteIPPrefix)),
            ("remote_group_id", JSON(r.remoteGroupID)), ("remote_address_group_id", .null),
        ]
        m += standard(r.projectID, description: r.description, created: r.createdAt, updated: r.createdAt, revision: 0)
        return .object(m)
    }
}

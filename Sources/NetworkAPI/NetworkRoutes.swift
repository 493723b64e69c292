import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP
import StateStore

/// Neutron v2.0 at `/networking`: versions, extensions, networks and subnets.
public struct NetworkRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL + "/networking" }

    /// The extensions whose attributes and calls are served (tempest and OSC check them).
    static let extensions: [(alias: String, name: String, description: String)] = [
        ("security-group", "security-group", "The security groups extension."),
        ("port-security", "Port Security", "Provides port security"),
        ("external-net", "Neutron external network", "Adds external network attribute to network resource."),
        ("network-mtu", "Network MTU", "Provides MTU attribute for a network resource."),
        ("provider", "Provider Network", "Expose mapping of virtual networks to physical networks"),
        ("binding", "Port Binding", "Expose port bindings of a virtual port to external application"),
        ("network_availability_zone", "Network Availability Zone", "Availability zone support for network."),
        ("standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes"),
        ("standard-attr-timestamp", "Resource timestamps", "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes."),
        ("standard-attr-revisions", "Resource revision numbers", "This extension will display the revision number of neutron resources."),
        ("router", "Neutron L3 Router", "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway."),
        ("ext-gw-mode", "Neutron L3 Configurable external gateway mode", "Extension of the router abstraction for specifying whether SNAT should occur on the external gateway"),
        ("router_availability_zone", "Router Availability Zone", "Availability zone support for router."),
        ("quotas", "Quota management support", "Expose functions for quotas management per project"),
        ("quota_details", "Quota details management support", "Expose functions for quotas usage statistics per project"),
    ]

    static func extensionView(_ e: (alias: String, name: String, description: String)) -> JSON {
        .object([("alias", .string(e.alias)), ("name", .string(e.name)), ("description", .string(e.description)), ("links", []),
                 ("updated", "2017-01-01T00:00:00-00:00")])
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/networking") { _, _ in
            Response.json(.object([("versions", [.object([("id", "v2.0"), ("status", "CURRENT"),
                                                          ("links", [.object([("href", .string(base + "/v2.0/")), ("rel", "self")])])])])]))
        }
        let v2 = router.group("/networking/v2.0")
        v2.get("") { _, context in
            _ = try context.requirePrincipal()
            let resources = [("network", "networks"), ("subnet", "subnets"), ("port", "ports"), ("security_group", "security-groups"),
                             ("security_group_rule", "security-group-rules"), ("quota", "quotas"),
                             ("router", "routers"), ("floatingip", "floatingips")]
            return Response.json(.object([("resources", .array(resources.map { name, collection in
                .object([("name", .string(name)), ("collection", .string(collection)),
                         ("links", [.object([("href", .string("\(base)/v2.0/\(collection)")), ("rel", "self")])])])
            }))]))
        }
        v2.get("extensions") { _, context in
            _ = try context.requirePrincipal()
            return Response.json(.object([("extensions", .array(Self.extensions.map(Self.extensionView)))]))
        }
        v2.get("extensions/:alias") { _, context in
            _ = try context.requirePrincipal()
            let alias = try context.parameters.require("alias")
            let wanted = alias.removingPercentEncoding ?? alias
            guard let found = Self.extensions.first(where: { $0.alias == wanted || $0.name == wanted }) else {
                throw ControlPlaneError(.notFound, "Extension with alias \(wanted) does not exist", kind: "ExtensionNotFound")
            }
            return Response.json(.object([("extension", Self.extensionView(found))]))
        }
        registerNetworks(on: v2)
        registerSubnets(on: v2)
        PortRoutes(cloud: cloud).register(on: v2)
        SecurityGroupRoutes(cloud: cloud).register(on: v2)
        QuotaRoutes(cloud: cloud).register(on: v2)
        RouterRoutes(cloud: cloud).register(on: v2)
        FloatingIPRoutes(cloud: cloud).register(on: v2)
    }

    static let networkAttributes: Set<String> = [
        "name", "description", "admin_state_up", "shared", "router:external", "mtu", "availability_zone_hints",
        "port_security_enabled", "tenant_id", "project_id",
    ]

    func networkFields(_ body: NeutronBody) throws -> NetworkService.NetworkFields {
        var f = NetworkService.NetworkFields()
        f.name = try body.string("name")
        f.description = try body.string("description")
        f.adminStateUp = try body.bool("admin_state_up")
        f.shared = try body.bool("shared")
        f.external = try body.bool("router:external")
        f.mtu = try body.int("mtu")
        f.zoneHints = try body.strings("availability_zone_hints")
        f.portSecurityEnabled = try body.bool("port_security_enabled")
        f.projectID = try body.string("project_id") ?? body.string("tenant_id")
        return f
    }

    func networkView(_ n: Network, _ p: Principal) async throws -> JSON {
        let subnets = try await cloud.store.networks.subnets(of: n.id).map(\.value).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        return NetworkViews.network(n, subnets: subnets.map(\.id), admin: p.isAdmin)
    }

    func registerNetworks(on v2: RouterGroup<APIRequestContext>) {
        v2.get("networks") { request, context in
            let p = try context.requirePrincipal()
            let networks = try await cloud.networks.networks(by: p)
            let subnets = try await cloud.networks.subnets(by: p)
            let byNetwork = Dictionary(grouping: subnets.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }, by: \.networkID)
            let items = networks.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .map { NetworkViews.network($0, subnets: (byNetwork[$0.id] ?? []).map(\.id), admin: p.isAdmin) }
            return Response.json(try NeutronQuery(query: request.query).answer("networks", items, baseURL: base, path: "/v2.0/networks"))
        }
        v2.post("networks") { request, context in
            let p = try context.requirePrincipal()
            let body = try NeutronBody(try await request.json(context: context), "network", allowed: Self.networkAttributes)
            let network = try await cloud.networks.createNetwork(try networkFields(body), by: p)
            return Response.json(.object([("network", try await networkView(network, p))]), status: .created)
        }
        v2.get("networks/:id") { request, context in
            let p = try context.requirePrincipal()
            let network = try await cloud.networks.network(try context.parameters.require("id"), by: p).value
            return Response.json(.object([("network", NeutronQuery(query: request.query).select(try await networkView(network, p)))]))
        }
        v2.put("networks/:id") { request, context in
            let p = try context.requirePrincipal()
            var allowed = Self.networkAttributes
            allowed.subtract(["tenant_id", "project_id", "availability_zone_hints"])
            let body = try NeutronBody(try await request.json(context: context), "network", allowed: allowed)
            let network = try await cloud.networks.updateNetwork(try context.parameters.require("id"), try networkFields(body), by: p)
            return Response.json(.object([("network", try await networkView(network, p))]))
        }
        v2.delete("networks/:id") { _, context in
            try await cloud.networks.deleteNetwork(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.empty(.noContent)
        }
    }

    static let subnetAttributes: Set<String> = [
        "name", "description", "network_id", "cidr", "ip_version", "gateway_ip", "allocation_pools", "dns_nameservers",
        "host_routes", "enable_dhcp", "tenant_id", "project_id", "ipv6_ra_mode", "ipv6_address_mode", "service_types",
    ]

    func subnetFields(_ body: NeutronBody) throws -> NetworkService.SubnetFields {
        var f = NetworkService.SubnetFields()
        f.name = try body.string("name")
        f.description = try body.string("description")
        f.networkID = try body.string("network_id")
        f.cidr = try body.string("cidr")
        f.ipVersion = try body.int("ip_version")
        f.gatewayIP = try body.nullableString("gateway_ip")
        f.allocationPools = try body.objects("allocation_pools")?.map { pool in
            guard let start = pool["start"]?.string, let end = pool["end"]?.string else {
                throw APIError.badRequest("Invalid input for allocation_pools: each pool needs start and end.")
            }
            return (start, end)
        }
        f.dnsNameservers = try body.strings("dns_nameservers")
        f.hostRoutes = try body.objects("host_routes")?.map { route in
            guard let destination = route["destination"]?.string, let nexthop = route["nexthop"]?.string else {
                throw APIError.badRequest("Invalid input for host_routes: each route needs destination and nexthop.")
            }
            return (destination, nexthop)
        }
        f.enableDHCP = try body.bool("enable_dhcp")
        f.projectID = try body.string("project_id") ?? body.string("tenant_id")
        if try body.string("ipv6_ra_mode") != nil || body.string("ipv6_address_mode") != nil {
            throw APIError.badRequest("Invalid input: IPv6 modes need an IPv6 subnet, which this cloud does not serve.")
        }
        return f
    }

    func registerSubnets(on v2: RouterGroup<APIRequestContext>) {
        v2.get("subnets") { request, context in
            let p = try context.requirePrincipal()
            let items = try await cloud.networks.subnets(by: p).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map(NetworkViews.subnet)
            return Response.json(try NeutronQuery(query: request.query).answer("subnets", items, baseURL: base, path: "/v2.0/subnets"))
        }
        v2.post("subnets") { request, context in
            let p = try context.requirePrincipal()
            let body = try NeutronBody(try await request.json(context: context), "subnet", allowed: Self.subnetAttributes)
            let subnet = try await cloud.networks.createSubnet(try subnetFields(body), by: p)
            return Response.json(.object([("subnet", NetworkViews.subnet(subnet))]), status: .created)
        }
        v2.get("subnets/:id") { request, context in
            let subnet = try await cloud.networks.subnet(try context.parameters.require("id"), by: try context.requirePrincipal()).value
            return Response.json(.object([("subnet", NeutronQuery(query: request.query).select(NetworkViews.subnet(subnet)))]))
        }
        v2.put("subnets/:id") { request, context in
            let p = try context.requirePrincipal()
            var allowed = Self.subnetAttributes
            allowed.subtract(["tenant_id", "project_id", "network_id", "ip_version", "cidr", "ipv6_ra_mode", "ipv6_address_mode"])
            let body = try NeutronBody(try await request.json(context: context), "subnet", allowed: allowed)
            let subnet = try await cloud.networks.updateSubnet(try context.parameters.require("id"), try subnetFields(body), by: p)
            return Response.json(.object([("subnet", NetworkViews.subnet(subnet))]))
        }
        v2.delete("subnets/:id") { _, context in
            try await cloud.networks.deleteSubnet(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.empty(.noContent)
        }
    }
}

import CloudTestSupport
import Foundation
import HTTPTypes
import OpenStackHTTP
import StateStore
import Testing

/// Neutron v2.0: networks, subnets, ports, security groups; errors as `NeutronError`.
@Suite("Network API")
struct NetworkAPITests {
    @Test func networksSubnetsAndValidation() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            #expect(try await api.call(.get, "/networking").status == 200)
            let catalog = try await api.call(.get, "/identity/v3/auth/catalog", token: demo).json?["catalog"]?.array ?? []
            #expect(catalog.contains { $0["type"] == "network" })
            let created = try await api.call(.post, "/networking/v2.0/networks", token: demo, json: #"{"network":{"name":"net1"}}"#)
            #expect(created.status == 201 && created.json?["network"]?["mtu"] == 1450 && created.json?["network"]?["status"] == "ACTIVE")
            #expect(created.json?["network"]?["provider:segmentation_id"] == nil, "admins only")
            let net = try #require(created.json?["network"]?["id"]?.string)
            let bad = try await api.call(.post, "/networking/v2.0/networks", token: demo, json: #"{"network":{"name":"x","bogus":1}}"#)
            #expect(bad.status == 400 && bad.json?["NeutronError"]?["message"]?.string?.contains("Unrecognized attribute") == true)
            #expect(try await api.call(.post, "/networking/v2.0/networks", token: demo, json: #"{"network":{"shared":true}}"#).status == 403)
            func subnet(_ body: String) async throws -> APIClient.Reply {
                try await api.call(.post, "/networking/v2.0/subnets", token: demo, json: #"{"subnet":{"network_id":"\#(net)",\#(body)}}"#)
            }
            let s1 = try await subnet(#""cidr":"10.9.0.0/24","ip_version":4,"name":"s1""#)
            #expect(s1.status == 201 && s1.json?["subnet"]?["gateway_ip"] == "10.9.0.1")
            let pools = s1.json?["subnet"]?["allocation_pools"]?.array
            #expect(pools?.count == 1 && pools?.first?["start"] == "10.9.0.2" && pools?.first?["end"] == "10.9.0.254")
            let overlap = try await subnet(#""cidr":"10.9.0.128/25","ip_version":4"#)
            #expect(overlap.status == 400 && overlap.json?["NeutronError"]?["message"]?.string?.contains("overlaps with another subnet") == true)
            #expect(try await subnet(#""cidr":"10.9.1.0/24","gateway_ip":"10.9.2.1""#).status == 400, "gateway outside")
            let pool = try await subnet(#""cidr":"10.9.3.0/24","allocation_pools":[{"start":"10.9.4.1","end":"10.9.4.9"}]"#)
            #expect(pool.status == 400 && pool.json?["NeutronError"]?["type"] == "OutOfBoundsAllocationPool")
            #expect(try await subnet(#""cidr":"10.9.5.7/24""#).status == 400, "host bits set")
            #expect(try await subnet(#""cidr":"fd00::/64","ip_version":6"#).status == 400, "IPv6 not served")
            let listed = try await api.call(.get, "/networking/v2.0/networks?name=net1&fields=id&fields=subnets", token: demo).json?["networks"]?.array
            #expect(listed?.count == 1 && listed?.first?["subnets"]?.array?.count == 1 && listed?.first?["name"] == nil)
            #expect(try await api.call(.get, "/networking/v2.0/networks/nope", token: demo).json?["NeutronError"]?["type"] == "NetworkNotFound")
            let renamed = try await api.call(.put, "/networking/v2.0/networks/\(net)", token: demo, json: #"{"network":{"name":"net2"}}"#)
            #expect(renamed.json?["network"]?["name"] == "net2" && renamed.json?["network"]?["revision_number"] == 2)
            let other = try await api.token("other", "otherpw", project: "other")
            #expect(try await api.call(.get, "/networking/v2.0/networks/\(net)", token: other).status == 404)
            #expect(try await api.call(.delete, "/networking/v2.0/networks/\(net)", token: demo).status == 204, "subnets go with it")
            #expect(try await api.call(.get, "/networking/v2.0/subnets", token: demo).json?["subnets"]?.array?.isEmpty == true)
        }
    }

    @Test func portsTakeAddressesOnce() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let net = try #require(try await api.call(.post, "/networking/v2.0/networks", token: demo, json: #"{"network":{"name":"n"}}"#)
                .json?["network"]?["id"]?.string)
            let subnet = try #require(try await api.call(.post, "/networking/v2.0/subnets", token: demo,
                                                         json: #"{"subnet":{"network_id":"\#(net)","cidr":"10.20.0.0/28","ip_version":4}}"#)
                .json?["subnet"]?["id"]?.string)
            // A /28 has 13 addresses in its pool: 13 ports get distinct ones, the 14th is refused.
            var addresses: Set<String> = []
            for i in 0..<13 {
                let port = try await api.call(.post, "/networking/v2.0/ports", token: demo, json: #"{"port":{"network_id":"\#(net)","name":"p\#(i)"}}"#)
                #expect(port.status == 201)
                let ip = try #require(port.json?["port"]?["fixed_ips"]?.array?.first?["ip_address"]?.string)
                #expect(addresses.insert(ip).inserted, "\(ip) given twice")
                #expect(port.json?["port"]?["security_groups"]?.array?.count == 1, "the project's default group")
            }
            let full = try await api.call(.post, "/networking/v2.0/ports", token: demo, json: #"{"port":{"network_id":"\#(net)"}}"#)
            #expect(full.status == 409 && full.json?["NeutronError"]?["type"] == "IpAddressGenerationFailure")
            let ports = try await api.call(.get, "/networking/v2.0/ports?network_id=\(net)", token: demo).json?["ports"]?.array ?? []
            #expect(ports.count == 13)
            let first = try #require(ports.first?["id"]?.string)
            let freed = try #require(ports.first?["fixed_ips"]?.array?.first?["ip_address"]?.string)
            #expect(try await api.call(.delete, "/networking/v2.0/ports/\(first)", token: demo).status == 204)
            let again = try await api.call(.post, "/networking/v2.0/ports", token: demo,
                                           json: #"{"port":{"network_id":"\#(net)","fixed_ips":[{"subnet_id":"\#(subnet)","ip_address":"\#(freed)"}]}}"#)
            #expect(again.status == 201, "a freed address can be asked for")
            let taken = try await api.call(.post, "/networking/v2.0/ports", token: demo,
                                           json: #"{"port":{"network_id":"\#(net)","fixed_ips":[{"ip_address":"\#(freed)"}]}}"#)
            #expect(taken.status == 409 && taken.json?["NeutronError"]?["type"] == "IpAddressAlreadyAllocated")
            let filtered = try await api.call(.get, "/networking/v2.0/ports?fixed_ips=ip_address%3D\(freed)", token: demo).json?["ports"]?.array
            #expect(filtered?.count == 1)
            #expect(try await api.call(.delete, "/networking/v2.0/networks/\(net)", token: demo).json?["NeutronError"]?["type"] == "NetworkInUse")
            #expect(try await api.call(.delete, "/networking/v2.0/subnets/\(subnet)", token: demo).json?["NeutronError"]?["type"] == "SubnetInUse")
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let seen = try await api.call(.get, "/networking/v2.0/ports/\(first)", token: admin)
            #expect(seen.status == 404)
            let bound = try await api.call(.get, "/networking/v2.0/ports?network_id=\(net)&limit=2", token: admin).json
            #expect(bound?["ports"]?.array?.count == 2 && bound?["ports_links"] != nil && bound?["ports"]?.array?.first?["binding:host_id"] != nil)
        }
    }

    @Test func securityGroupsAndRules() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let groups = try await api.call(.get, "/networking/v2.0/security-groups", token: demo).json?["security_groups"]?.array ?? []
            #expect(groups.count == 1 && groups.first?["name"] == "default" && groups.first?["security_group_rules"]?.array?.count == 4)
            let created = try await api.call(.post, "/networking/v2.0/security-groups", token: demo, json: #"{"security_group":{"name":"web"}}"#)
            #expect(created.status == 201 && created.json?["security_group"]?["security_group_rules"]?.array?.count == 2, "egress rules")
            let sg = try #require(created.json?["security_group"]?["id"]?.string)
            func rule(_ body: String) async throws -> APIClient.Reply {
                try await api.call(.post, "/networking/v2.0/security-group-rules", token: demo,
                                   json: #"{"security_group_rule":{"security_group_id":"\#(sg)","direction":"ingress",\#(body)}}"#)
            }
            let ssh = try await rule(#""protocol":"tcp","port_range_min":22,"port_range_max":22,"remote_ip_prefix":"0.0.0.0/0""#)
            #expect(ssh.status == 201 && ssh.json?["security_group_rule"]?["port_range_min"] == 22)
            #expect(try await rule(#""protocol":"tcp","port_range_min":22,"port_range_max":22,"remote_ip_prefix":"0.0.0.0/0""#).status == 409)
            #expect(try await rule(#""protocol":"icmp""#).status == 201)
            let backwards = try await rule(#""protocol":"tcp","port_range_min":80,"port_range_max":22"#)
            #expect(backwards.status == 400 && backwards.json?["NeutronError"]?["type"] == "SecurityGroupInvalidPortRange")
            #expect(try await rule(#""protocol":"bogus""#).json?["NeutronError"]?["type"] == "SecurityGroupRuleInvalidProtocol")
            let listed = try await api.call(.get, "/networking/v2.0/security-group-rules?security_group_id=\(sg)", token: demo)
                .json?["security_group_rules"]?.array ?? []
            #expect(listed.count == 4)
            let ruleID = try #require(ssh.json?["security_group_rule"]?["id"]?.string)
            #expect(try await api.call(.delete, "/networking/v2.0/security-group-rules/\(ruleID)", token: demo).status == 204)
            #expect(try await api.call(.get, "/networking/v2.0/security-group-rules/\(ruleID)", token: demo).status == 404)
            let defaultID = try #require(groups.first?["id"]?.string)
            #expect(try await api.call(.delete, "/networking/v2.0/security-groups/\(defaultID)", token: demo).status == 409)
            #expect(try await api.call(.delete, "/networking/v2.0/security-groups/\(sg)", token: demo).status == 204)
        }
    }

    @Test func quotasAreShownAndEnforced() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let demo = try await api.token("demo", "demopw", project: "demo")
            let project = try #require(try await api.call(.get, "/identity/v3/auth/projects", token: demo).json?["projects"]?.array?.first?["id"]?.string)
            #expect(try await api.call(.get, "/networking/v2.0/quotas/\(project)", token: demo).json?["quota"]?["network"] == 100)
            #expect(try await api.call(.put, "/networking/v2.0/quotas/\(project)", token: demo, json: #"{"quota":{"network":1}}"#).status == 403)
            let set = try await api.call(.put, "/networking/v2.0/quotas/\(project)", token: admin, json: #"{"quota":{"network":1,"port":1}}"#)
            #expect(set.json?["quota"]?["network"] == 1)
            #expect(try await api.call(.put, "/networking/v2.0/quotas/\(project)", token: admin, json: #"{"quota":{"bogus":1}}"#).status == 400)
            let net = try #require(try await api.call(.post, "/networking/v2.0/networks", token: demo, json: #"{"network":{"name":"a"}}"#)
                .json?["network"]?["id"]?.string)
            let over = try await api.call(.post, "/networking/v2.0/networks", token: demo, json: #"{"network":{"name":"b"}}"#)
            #expect(over.status == 409 && over.json?["NeutronError"]?["type"] == "OverQuota")
            #expect(try await api.call(.post, "/networking/v2.0/ports", token: demo, json: #"{"port":{"network_id":"\#(net)"}}"#).status == 201)
            #expect(try await api.call(.post, "/networking/v2.0/ports", token: demo, json: #"{"port":{"network_id":"\#(net)"}}"#).status == 409)
            let details = try await api.call(.get, "/networking/v2.0/quotas/\(project)/details", token: demo).json?["quota"]
            #expect(details?["network"]?["used"] == 1 && details?["port"]?["limit"] == 1 && details?["port"]?["used"] == 1)
            #expect(try await api.call(.delete, "/networking/v2.0/quotas/\(project)", token: admin).status == 204)
            #expect(try await api.call(.get, "/networking/v2.0/quotas/\(project)", token: demo).json?["quota"]?["network"] == 100)
        }
    }

    @Test func serversGetPortsAndAddresses() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            let net = try #require(try await api.call(.post, "/networking/v2.0/networks", token: demo, json: #"{"network":{"name":"lan"}}"#)
                .json?["network"]?["id"]?.string)
            _ = try await api.call(.post, "/networking/v2.0/subnets", token: demo,
                                   json: #"{"subnet":{"network_id":"\#(net)","cidr":"10.30.0.0/24","ip_version":4}}"#)
            // With no `networks` at 2.1 the project's only network is used, as Nova with Neutron.
            let id = try await api.boot(demo, imageID: image)
            try await api.waitStatus(demo, id, "ACTIVE")
            let server = try await api.call(.get, "/compute/v2.1/servers/\(id)", token: demo).json?["server"]
            let address = try #require(server?["addresses"]?["lan"]?.array?.first)
            #expect(address["version"] == 4 && address["OS-EXT-IPS:type"] == "fixed" && address["OS-EXT-IPS-MAC:mac_addr"]?.string?.hasPrefix("fa:16:3e") == true)
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)/ips", token: demo).json?["addresses"]?["lan"] == server?["addresses"]?["lan"])
            let ports = try await api.call(.get, "/networking/v2.0/ports?device_id=\(id)", token: demo).json?["ports"]?.array ?? []
            #expect(ports.count == 1 && ports.first?["fixed_ips"]?.array?.first?["ip_address"] == address["addr"])
            let ip = try #require(address["addr"]?.string)
            #expect(try await api.call(.get, "/compute/v2.1/servers?ip=\(ip)", token: demo).json?["servers"]?.array?.count == 1)
            // An explicit fixed IP, and the same address again is refused.
            let fixed = #"{"server":{"name":"f","imageRef":"\#(image)","flavorRef":"42","networks":[{"uuid":"\#(net)","fixed_ip":"10.30.0.77"}]}}"#
            #expect(try await api.call(.post, "/compute/v2.1/servers", token: demo, json: fixed).status == 202)
            #expect(try await api.call(.post, "/compute/v2.1/servers", token: demo, json: fixed).status == 409)
            // The port quota holds for the ports a boot makes (Nova's 403).
            let project = try #require(try await api.call(.get, "/identity/v3/auth/projects", token: demo).json?["projects"]?.array?.first?["id"]?.string)
            let admin = try await api.token("admin", "adminpw", project: "admin")
            _ = try await api.call(.put, "/networking/v2.0/quotas/\(project)", token: admin, json: #"{"quota":{"port":2}}"#)
            let over = try await api.call(.post, "/compute/v2.1/servers", token: demo,
                                          json: #"{"server":{"name":"q","imageRef":"\#(image)","flavorRef":"42","networks":[{"uuid":"\#(net)"}]}}"#)
            #expect(over.status == 403 && over.text.contains("Maximum number of ports exceeded"))
            _ = try await api.call(.delete, "/networking/v2.0/quotas/\(project)", token: admin)
            // Deleting the server deletes the port made for it.
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(id)", token: demo).status == 204)
            try await api.waitServer(demo, id) { $0 == nil }
            #expect(try await api.call(.get, "/networking/v2.0/ports?device_id=\(id)", token: demo).json?["ports"]?.array?.isEmpty == true)
        }
    }
}

/// Concurrent port creates through one controller lease only the blocks they fill.
@Suite("Address block leases")
struct AddressBlockLeaseTests {
    @Test func concurrentPicksShareTheBlockOneOfThemLeased() async throws {
        let cloud = try await TestCloud.make(register: false)
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let (net, subnet) = try await api.network(demo, "burst", cidr: "10.61.0.0/24")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        try await api.call(.post, "/networking/v2.0/ports", token: demo, json: #"{"port":{"network_id":"\#(net)","name":"p\#(i)"}}"#).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 201 }, "\(statuses)")
            let leased = try await cloud.store.networks.blocks(of: subnet)
            #expect(leased.count == 3, "40 addresses need 3 blocks of 16, leased: \(leased.keys.sorted())")
        }
    }
}

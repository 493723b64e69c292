import AgentProtocol
import CloudTestSupport
import Foundation
import HTTPTypes
import OpenStackHTTP
import Synchronization
import Testing

/// The controllers keep every host's flood list of a network to the hosts, in any site, with a
/// port bound on it (through the agents' network wiring; in-process agents record it).
@Suite("Data plane wiring")
struct DataPlaneWiringTests {
    @Test func floodListsFollowTheHostsThatCarryANetwork() async throws {
        let cloud = try await TestCloud.make()
        let alpha = try #require(cloud.hosts["alpha"]), beta = try #require(cloud.hosts["beta"])
        cloud.agents.dataPlaneHosts.withLock { $0 = Set(alpha + [beta[0]]) }  // beta's second host has none
        try await cloud.withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let image = try await api.image(admin)
            let (net, _) = try await api.network(admin, "wired", cidr: "10.60.0.0/24")
            func boot(_ zone: String) async throws -> String {
                let id = try await api.boot(admin, imageID: image, zone: zone, extra: #","networks":[{"uuid":"\#(net)"}]"#)
                try await api.waitStatus(admin, id, "ACTIVE")
                return id
            }
            func peers(_ host: String) -> [String]? { cloud.agents.wirings.withLock { $0[host]?[net]?.peers } }
            func eventually(_ what: String, _ condition: () -> Bool) async throws {
                for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
                #expect(condition(), "\(what): \(cloud.agents.wirings.withLock { $0 })")
            }
            let a1 = try await boot("alpha:alpha-h1")
            try await eventually("a lone host floods to nobody") { peers(alpha[0]) == [] }
            _ = try await boot("alpha:alpha-h2")
            _ = try await boot("alpha:alpha-h2")  // a second port on a host that already carries it
            let b1 = try await boot("beta:beta-h1")
            _ = try await boot("beta:beta-h2")  // no data plane there: carried, but not told anything
            try await eventually("every carrying host floods to the others, across sites") {
                peers(alpha[0]) == ["10.255.1.2", "10.255.2.1", "10.255.2.2"] && peers(alpha[1]) == ["10.255.1.1", "10.255.2.1", "10.255.2.2"]
                    && peers(beta[0]) == ["10.255.1.1", "10.255.1.2", "10.255.2.2"]
            }
            #expect(peers(beta[1]) == nil)
            let wire = try #require(cloud.agents.wirings.withLock { $0[alpha[0]]?[net] })
            #expect(wire.mtu == 1450 && wire.vni > 0)

            // A host that loses its last port on the network leaves every flood list and is unwired.
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(b1)", token: admin).status == 204)
            try await eventually("the host that left is no longer flooded to, and carries nothing") {
                peers(beta[0]) == nil && peers(alpha[0]) == ["10.255.1.2", "10.255.2.2"]
            }
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(a1)", token: admin).status == 204)
            try await eventually("alpha-h1 left too") { peers(alpha[0]) == nil && peers(alpha[1]) == ["10.255.2.2"] }
        }
    }

    /// Each host is told the firewall of its own ports: their addresses, their groups' rules with
    /// remote groups resolved to the members on the network, before the server is ACTIVE and
    /// again after every change of a rule or a port.
    @Test func hostsAreToldTheFirewallOfTheirPorts() async throws {
        let cloud = try await TestCloud.make()
        let alpha = try #require(cloud.hosts["alpha"]), beta = try #require(cloud.hosts["beta"])
        cloud.agents.dataPlaneHosts.withLock { $0 = [alpha[0], beta[0]] }
        try await cloud.withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let image = try await api.image(admin)
            let (net, _) = try await api.network(admin, "filtered", cidr: "10.61.0.0/24")
            func boot(_ zone: String) async throws -> (server: String, port: String, ip: String, mac: String) {
                let id = try await api.boot(admin, imageID: image, zone: zone, extra: #","networks":[{"uuid":"\#(net)"}]"#)
                try await api.waitStatus(admin, id, "ACTIVE")
                let port = try #require(try await api.call(.get, "/networking/v2.0/ports?device_id=\(id)", token: admin).json?["ports"]?.array?.first)
                return (id, try #require(port["id"]?.string), try #require(port["fixed_ips"]?.array?.first?["ip_address"]?.string),
                        try #require(port["mac_address"]?.string))
            }
            func told(_ host: String) -> NetworkWiring? { cloud.agents.wirings.withLock { $0[host]?[net] } }
            func filter(_ host: String, _ port: String) -> NetworkWiring.Port? { told(host)?.ports?.first { $0.id == port } }
            func eventually(_ what: String, _ condition: () -> Bool) async throws {
                for _ in 0..<100 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
                #expect(condition(), "\(what): \(cloud.agents.wirings.withLock { $0 })")
            }

            let a = try await boot("alpha:alpha-h1")
            let first = try #require(filter(alpha[0], a.port), "the host has the port's filter once the server is ACTIVE")
            #expect(first.addresses == [a.ip] && first.mac == a.mac && first.security)
            #expect(first.egress.contains { $0.remote == nil && $0.ethertype == "IPv4" }, "the default group lets everything out")
            #expect(first.ingress.contains { $0.remote == [a.ip] }, "and lets its members in: so far only the port itself")

            let b = try await boot("beta:beta-h1")
            try await eventually("both hosts know both members of the default group, and the other's MAC") {
                filter(alpha[0], a.port)?.ingress.contains { Set($0.remote ?? []) == [a.ip, b.ip] } == true
                    && filter(beta[0], b.port)?.ingress.contains { Set($0.remote ?? []) == [a.ip, b.ip] } == true
                    && told(alpha[0])?.macs[b.mac] == "10.255.2.1" && told(beta[0])?.macs[a.mac] == "10.255.1.1"
            }
            #expect(told(alpha[0])?.ports?.map(\.id) == [a.port], "a host is told only its own ports")
            #expect(told(alpha[0])?.neighbours == [b.ip: b.mac] && told(beta[0])?.neighbours == [a.ip: a.mac],
                    "every port has port security: each host answers ARP for the other hosts' ports")

            let groups = try await api.call(.get, "/networking/v2.0/security-groups?name=default", token: admin).json?["security_groups"]?.array
            let group = try #require(groups?.first?["id"]?.string)
            let rule = try await api.call(.post, "/networking/v2.0/security-group-rules", token: admin, json: #"""
                {"security_group_rule":{"security_group_id":"\#(group)","direction":"ingress","protocol":"icmp","remote_ip_prefix":"0.0.0.0/0"}}
                """#)
            #expect(rule.status == 201)
            let icmp: (NetworkWiring.Port?) -> Bool = { $0?.ingress.contains { $0.proto == "icmp" && $0.remote == ["0.0.0.0/0"] } == true }
            try await eventually("a new rule reaches every host with a port in the group") { icmp(filter(alpha[0], a.port)) && icmp(filter(beta[0], b.port)) }
            let ruleID = try #require(rule.json?["security_group_rule"]?["id"]?.string)
            #expect(try await api.call(.delete, "/networking/v2.0/security-group-rules/\(ruleID)", token: admin).status == 204)
            try await eventually("and so does its deletion") { !icmp(filter(alpha[0], a.port)) && !icmp(filter(beta[0], b.port)) }

            let open = try await api.call(.put, "/networking/v2.0/ports/\(b.port)", token: admin,
                                          json: #"{"port":{"port_security_enabled":false,"security_groups":[]}}"#)
            #expect(open.status == 200)
            try await eventually("port security off: not filtered, and no longer a member of the default group") {
                filter(beta[0], b.port)?.security == false && filter(alpha[0], a.port)?.ingress.contains { $0.remote == [a.ip] } == true
            }
            #expect(told(alpha[0])?.neighbours == nil && told(beta[0])?.neighbours == nil,
                    "a port without port security may answer for any address: ARP is flooded again")
        }
    }

    /// A host that failed to take an update (its agent did not answer) is told again shortly,
    /// without waiting for the network's next change.
    @Test func aHostThatMissedAnUpdateIsToldAgain() async throws {
        let cloud = try await TestCloud.make()
        let alpha = try #require(cloud.hosts["alpha"]), beta = try #require(cloud.hosts["beta"])
        cloud.agents.dataPlaneHosts.withLock { $0 = [alpha[0], beta[0]] }
        try await cloud.withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let image = try await api.image(admin)
            let (net, _) = try await api.network(admin, "retried", cidr: "10.63.0.0/24")
            let b = try await api.boot(admin, imageID: image, zone: "beta:beta-h1", extra: #","networks":[{"uuid":"\#(net)"}]"#)
            try await api.waitStatus(admin, b, "ACTIVE")
            cloud.agents.setUnreachable(beta[0], true)
            let a = try await api.boot(admin, imageID: image, zone: "alpha:alpha-h1", extra: #","networks":[{"uuid":"\#(net)"}]"#)
            try await api.waitStatus(admin, a, "ACTIVE")
            #expect(cloud.agents.wirings.withLock { $0[beta[0]]?[net]?.peers } == [], "beta's agent did not answer: it still has the old list")
            cloud.agents.setUnreachable(beta[0], false)
            for _ in 0..<300 where cloud.agents.wirings.withLock({ $0[beta[0]]?[net]?.peers }) != ["10.255.1.1"] {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(cloud.agents.wirings.withLock { $0[beta[0]]?[net]?.peers } == ["10.255.1.1"], "told again once it answers")
        }
    }
}

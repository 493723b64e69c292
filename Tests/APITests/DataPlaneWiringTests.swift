import AgentProtocol
import CloudTestSupport
import Foundation
import HTTPTypes
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
}

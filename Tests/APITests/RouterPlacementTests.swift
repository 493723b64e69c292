import AgentProtocol
import CloudTestSupport
import Foundation
import OpenStackHTTP
import HTTPTypes
import Synchronization
import ControlPlane
import StateStore
import Testing

/// A router runs on one live host of its site (in-process agents record what hosts are told):
/// with a leg on the site's external network (carried on the uplink) and one per subnet, its
/// MACs known to the other hosts of those networks, its floating IPs; it moves when its host
/// goes down, and deleting it leaves nothing on any host.
@Suite("Router placement")
struct RouterPlacementTests {
    @Test func aRouterRunsOnOneLiveHostOfItsSiteAndMovesWhenItGoesDown() async throws {
        let cloud = try await TestCloud.make()
        let alpha = try #require(cloud.hosts["alpha"]), beta = try #require(cloud.hosts["beta"])
        cloud.agents.dataPlaneHosts.withLock { $0 = Set(alpha + beta) }
        try await cloud.withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let image = try await api.image(admin)
            let made = try await api.call(.post, "/networking/v2.0/networks", token: admin,
                                          json: #"{"network":{"name":"pub","router:external":true,"availability_zone_hints":["alpha"]}}"#)
            let pub = try #require(made.json?["network"]?["id"]?.string)
            #expect(try await api.call(.post, "/networking/v2.0/subnets", token: admin,
                                       json: #"{"subnet":{"network_id":"\#(pub)","cidr":"198.18.1.0/24","ip_version":4,"enable_dhcp":false}}"#).status == 201)
            let (lan, lanSubnet) = try await api.network(admin, "lan", cidr: "10.62.0.0/24")
            let server = try await api.boot(admin, imageID: image, zone: "beta:beta-h1", extra: #","networks":[{"uuid":"\#(lan)"}]"#)
            try await api.waitStatus(admin, server, "ACTIVE")
            let serverPort = try #require(try await api.call(.get, "/networking/v2.0/ports?device_id=\(server)", token: admin)
                .json?["ports"]?.array?.first)
            let serverPortID = try #require(serverPort["id"]?.string), fixed = try #require(serverPort["fixed_ips"]?.array?.first?["ip_address"]?.string)

            let router = try #require(try await api.call(.post, "/networking/v2.0/routers", token: admin,
                                                         json: #"{"router":{"name":"r","external_gateway_info":{"network_id":"\#(pub)"}}}"#)
                .json?["router"]?["id"]?.string)
            #expect(try await api.call(.put, "/networking/v2.0/routers/\(router)/add_router_interface", token: admin,
                                       json: #"{"subnet_id":"\#(lanSubnet)"}"#).status == 200)

            func runs() -> [String: RouterWiring] {
                cloud.agents.routers.withLock { $0.compactMapValues { $0[router] } }
            }
            func eventually(_ what: String, _ condition: () -> Bool) async throws {
                for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
                #expect(condition(), "\(what): \(cloud.agents.routers.withLock { $0 }) \(cloud.agents.wirings.withLock { $0 })")
            }
            try await eventually("the router runs on one host") { runs().count == 1 }
            let (host, wiring) = try #require(runs().first)
            #expect(alpha.contains(host), "at its site, the uplink site of its external network")
            #expect(wiring.gateway?.address.hasPrefix("198.18.1.") == true && wiring.gateway?.prefix == 24 && wiring.nextHop == "198.18.1.1")
            #expect(wiring.interfaces.map(\.address) == ["10.62.0.1"] && wiring.snat)
            let told = cloud.agents.wirings.withLock { $0[host] ?? [:] }
            #expect(told[pub]?.uplink == true, "the external network is carried on the host's uplink")
            #expect(told[lan] != nil && told[lan]?.uplink == nil, "and the subnet's network, over VXLAN")
            let routerPorts = try #require(try await api.call(.get, "/networking/v2.0/ports?device_id=\(router)", token: admin).json?["ports"]?.array)
            let legMAC = try #require(routerPorts.first { $0["network_id"]?.string == lan }?["mac_address"]?.string)
            #expect(wiring.interfaces.first?.mac == legMAC)
            let hostAddress = "10.255.1.\(alpha.firstIndex(of: host)! + 1)"
            try await eventually("the server's host floods to the router's host and knows its leg's MAC") {
                cloud.agents.wirings.withLock { $0[beta[0]]?[lan] }.map { $0.peers.contains(hostAddress) && $0.macs[legMAC] == hostAddress } == true
            }

            let fip = try await api.call(.post, "/networking/v2.0/floatingips", token: admin,
                                         json: #"{"floatingip":{"floating_network_id":"\#(pub)","port_id":"\#(serverPortID)"}}"#)
            let floating = try #require(fip.json?["floatingip"]?["floating_ip_address"]?.string)
            try await eventually("an associated floating IP reaches the router") { runs()[host]?.floatingIPs == [floating: fixed] }

            // Its host goes down: the site's maintenance moves the router to the other live host.
            try await cloud.store.leases("alpha").release(.host, id: host)
            await cloud.cloud.wiring.maintainRouters(site: "alpha")
            let other = try #require(alpha.first { $0 != host })
            try await eventually("the router moved, with its floating IP") { runs().keys.sorted() == [other] && runs()[other]?.floatingIPs == [floating: fixed] }
            #expect(cloud.agents.wirings.withLock { $0[host]?[lan] == nil && $0[host]?[pub] == nil }, "the old host was told to drop its networks")

            // It comes back having missed that (an agent that was cut off): it drops its stale copy.
            let stale = try #require(cloud.agents.wirings.withLock { $0[other]?[pub] })
            cloud.agents.routers.withLock { $0[host] = [router: wiring] }
            cloud.agents.wirings.withLock { $0[host] = [pub: stale] }
            try await cloud.store.leases("alpha").renew(.host, id: host, payload: "", ttl: .seconds(3600))
            await cloud.cloud.wiring.maintainRouters(site: "alpha")
            #expect(runs().keys.sorted() == [other], "the router stays where it moved, and only there")
            #expect(cloud.agents.wirings.withLock { $0[host]?[pub] } == nil, "the returning host no longer carries the uplink network")

            // Undone step by step: nothing is left on any host.
            let fipID = try #require(fip.json?["floatingip"]?["id"]?.string)
            #expect(try await api.call(.delete, "/networking/v2.0/floatingips/\(fipID)", token: admin).status == 204)
            try await eventually("the floating IP is gone from the router") { runs()[other]?.floatingIPs == [:] }
            #expect(try await api.call(.put, "/networking/v2.0/routers/\(router)/remove_router_interface", token: admin,
                                       json: #"{"subnet_id":"\#(lanSubnet)"}"#).status == 200)
            try await eventually("the leg is gone and the host no longer carries the subnet's network") {
                runs()[other]?.interfaces == [] && cloud.agents.wirings.withLock { $0[other]?[lan] } == nil
            }
            #expect(try await api.call(.delete, "/networking/v2.0/routers/\(router)", token: admin).status == 204)
            try await eventually("no router and no external network left on any host") {
                runs().isEmpty && cloud.agents.wirings.withLock { $0.values.allSatisfy { $0[pub] == nil } }
            }
        }
    }
}

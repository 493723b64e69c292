import CloudTestSupport
import Foundation
import HTTPTypes
import OpenStackHTTP
import Testing

/// Neutron's routers and floating IPs, and how servers show them (Nova's `floating` addresses).
@Suite("Routers and floating IPs")
struct RouterAPITests {
    @Test func routerGatewayInterfacesAndFloatingIPs() async throws {
        try await TestCloud.make().withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            let publicNet = try await api.call(.post, "/networking/v2.0/networks", token: admin,
                                               json: #"{"network":{"name":"public","router:external":true}}"#)
            #expect(publicNet.status == 201 && publicNet.json?["network"]?["availability_zones"]?.array?.count == 1, "an uplink of one site")
            let ext = try #require(publicNet.json?["network"]?["id"]?.string)
            _ = try await api.call(.post, "/networking/v2.0/subnets", token: admin,
                                   json: #"{"subnet":{"network_id":"\#(ext)","cidr":"203.0.113.0/24","ip_version":4}}"#)
            let (net, subnet) = try await api.network(demo, "lan", cidr: "10.40.0.0/24")
            let server = try await api.boot(demo, imageID: image)
            try await api.waitStatus(demo, server, "ACTIVE")
            let serverPort = try #require(try await api.call(.get, "/networking/v2.0/ports?device_id=\(server)", token: admin)
                .json?["ports"]?.array?.first)
            #expect(serverPort["status"] == "ACTIVE" && serverPort["binding:host_id"]?.string?.isEmpty == false, "bound once the server runs")
            let portID = try #require(serverPort["id"]?.string)

            // A floating IP needs a router between the port's subnet and the external network.
            let fip = try await api.call(.post, "/networking/v2.0/floatingips", token: demo, json: #"{"floatingip":{"floating_network_id":"\#(ext)"}}"#)
            #expect(fip.status == 201 && fip.json?["floatingip"]?["status"] == "DOWN" && fip.json?["floatingip"]?["port_id"] == .null)
            let fipID = try #require(fip.json?["floatingip"]?["id"]?.string)
            let address = try #require(fip.json?["floatingip"]?["floating_ip_address"]?.string)
            #expect(address.hasPrefix("203.0.113."))
            let unreachable = try await api.call(.put, "/networking/v2.0/floatingips/\(fipID)", token: demo, json: #"{"floatingip":{"port_id":"\#(portID)"}}"#)
            #expect(unreachable.status == 404 && unreachable.json?["NeutronError"]?["type"] == "ExternalGatewayForFloatingIPNotFound")
            #expect(try await api.call(.post, "/networking/v2.0/floatingips", token: demo,
                                       json: #"{"floatingip":{"floating_network_id":"\#(net)"}}"#).status == 400, "not an external network")

            let router = try await api.call(.post, "/networking/v2.0/routers", token: demo,
                                            json: #"{"router":{"name":"r1","external_gateway_info":{"network_id":"\#(ext)"}}}"#)
            #expect(router.status == 201 && router.json?["router"]?["external_gateway_info"]?["enable_snat"] == true)
            let routerID = try #require(router.json?["router"]?["id"]?.string)
            let gatewayIP = router.json?["router"]?["external_gateway_info"]?["external_fixed_ips"]?.array?.first?["ip_address"]?.string
            #expect(gatewayIP?.hasPrefix("203.0.113.") == true && gatewayIP != address)
            let added = try await api.call(.put, "/networking/v2.0/routers/\(routerID)/add_router_interface", token: demo,
                                           json: #"{"subnet_id":"\#(subnet)"}"#)
            #expect(added.status == 200 && added.json?["subnet_id"]?.string == subnet && added.json?["network_id"]?.string == net)
            let legs = try await api.call(.get, "/networking/v2.0/ports?device_id=\(routerID)&network_id=\(net)", token: demo).json?["ports"]?.array
            #expect(legs?.first?["fixed_ips"]?.array?.first?["ip_address"] == "10.40.0.1" && legs?.first?["device_owner"] == "network:router_interface")
            let twice = try await api.call(.put, "/networking/v2.0/routers/\(routerID)/add_router_interface", token: demo,
                                           json: #"{"subnet_id":"\#(subnet)"}"#)
            #expect(twice.status == 400 && twice.json?["NeutronError"]?["message"]?.string?.hasPrefix("Bad router request: Router already has a port") == true)
            let typed = try await api.call(.put, "/networking/v2.0/routers/\(routerID)/add_router_interface", token: demo, json: #"{"subnet_id":5}"#)
            #expect(typed.status == 400 && typed.json?["NeutronError"]?["message"]?.string?.contains("not a valid UUID") == true)
            let second = try #require(try await api.call(.post, "/networking/v2.0/routers", token: demo, json: #"{"router":{"name":"r2"}}"#)
                .json?["router"]?["id"]?.string)
            let stolen = try await api.call(.put, "/networking/v2.0/routers/\(second)/add_router_interface", token: demo,
                                            json: #"{"subnet_id":"\#(subnet)"}"#)
            #expect(stolen.status == 409 && stolen.json?["NeutronError"]?["type"] == "IpAddressAlreadyAllocated", "one router per subnet gateway")
            #expect(try await api.call(.delete, "/networking/v2.0/ports/\(try #require(legs?.first?["id"]?.string))", token: demo).status == 409,
                    "a router's port goes with the router interface")

            // Associate: the floating IP is ACTIVE and the server shows it as Nova does (also in a
            // detail list, whose views are cached while the server is unchanged).
            _ = try await api.call(.get, "/compute/v2.1/servers/detail", token: demo)
            let associated = try await api.call(.put, "/networking/v2.0/floatingips/\(fipID)", token: demo, json: #"{"floatingip":{"port_id":"\#(portID)"}}"#)
            #expect(associated.status == 200 && associated.json?["floatingip"]?["status"] == "ACTIVE")
            #expect(associated.json?["floatingip"]?["router_id"]?.string == routerID)
            #expect(associated.json?["floatingip"]?["fixed_ip_address"] == serverPort["fixed_ips"]?.array?.first?["ip_address"])
            let shown = try await api.call(.get, "/compute/v2.1/servers/\(server)", token: demo).json?["server"]?["addresses"]?["lan"]?.array ?? []
            #expect(shown.contains { $0["addr"]?.string == address && $0["OS-EXT-IPS:type"] == "floating" })
            let listed = try await api.call(.get, "/compute/v2.1/servers/detail", token: demo).json?["servers"]?.array?.first
            #expect(listed?["addresses"]?["lan"]?.array?.contains { $0["OS-EXT-IPS:type"] == "floating" } == true)
            let other = try #require(try await api.call(.post, "/networking/v2.0/floatingips", token: demo,
                                                        json: #"{"floatingip":{"floating_network_id":"\#(ext)"}}"#).json?["floatingip"]?["id"]?.string)
            let double = try await api.call(.put, "/networking/v2.0/floatingips/\(other)", token: demo, json: #"{"floatingip":{"port_id":"\#(portID)"}}"#)
            #expect(double.status == 409 && double.json?["NeutronError"]?["type"] == "FloatingIPPortAlreadyAssociated")
            #expect(try await api.call(.delete, "/networking/v2.0/floatingips/\(other)", token: demo).status == 204)
            let inUse = try await api.call(.put, "/networking/v2.0/routers/\(routerID)/remove_router_interface", token: demo,
                                           json: #"{"subnet_id":"\#(subnet)"}"#)
            #expect(inUse.status == 409 && inUse.json?["NeutronError"]?["type"] == "RouterInterfaceInUseByFloatingIP")
            #expect(try await api.call(.delete, "/networking/v2.0/routers/\(routerID)", token: demo).status == 409, "still has ports")
            let project = try #require(try await api.call(.get, "/identity/v3/auth/projects", token: demo).json?["projects"]?.array?.first?["id"]?.string)
            let usage = try await api.call(.get, "/networking/v2.0/quotas/\(project)/details", token: demo).json
            #expect(usage?["quota"]?["router"]?["used"] == 2 && usage?["quota"]?["floatingip"]?["used"] == 1)

            // Disassociate: DOWN and gone from the server's view.
            let released = try await api.call(.put, "/networking/v2.0/floatingips/\(fipID)", token: demo, json: #"{"floatingip":{"port_id":null}}"#)
            #expect(released.json?["floatingip"]?["status"] == "DOWN" && released.json?["floatingip"]?["fixed_ip_address"] == .null)
            let after = try await api.call(.get, "/compute/v2.1/servers/\(server)", token: demo).json?["server"]?["addresses"]?["lan"]?.array ?? []
            #expect(!after.contains { $0["OS-EXT-IPS:type"] == "floating" })

            // Deleting the server releases the floating IP of its port.
            _ = try await api.call(.put, "/networking/v2.0/floatingips/\(fipID)", token: demo, json: #"{"floatingip":{"port_id":"\#(portID)"}}"#)
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(server)", token: demo).status == 204)
            try await api.waitServer(demo, server) { $0 == nil }
            let orphan = try await api.call(.get, "/networking/v2.0/floatingips/\(fipID)", token: demo).json?["floatingip"]
            #expect(orphan?["status"] == "DOWN" && orphan?["port_id"] == .null)

            // Tear down in order: nothing of the router is left on either network.
            let busy = try await api.call(.delete, "/networking/v2.0/networks/\(ext)", token: admin)
            #expect(busy.status == 409 && busy.json?["NeutronError"]?["type"] == "NetworkInUse", "floating IPs on it")
            #expect(try await api.call(.delete, "/networking/v2.0/floatingips/\(fipID)", token: demo).status == 204)
            let removed = try await api.call(.put, "/networking/v2.0/routers/\(routerID)/remove_router_interface", token: demo,
                                             json: #"{"subnet_id":"\#(subnet)"}"#)
            #expect(removed.status == 200)
            let cleared = try await api.call(.put, "/networking/v2.0/routers/\(routerID)", token: demo,
                                             json: #"{"router":{"external_gateway_info":{}}}"#)
            #expect(cleared.status == 200 && cleared.json?["router"]?["external_gateway_info"] == .null)
            #expect(try await api.call(.delete, "/networking/v2.0/routers/\(routerID)", token: demo).status == 204)
            #expect(try await api.call(.delete, "/networking/v2.0/routers/\(second)", token: demo).status == 204)
            #expect(try await api.call(.get, "/networking/v2.0/routers/\(routerID)", token: demo).json?["NeutronError"]?["type"] == "RouterNotFound")
            #expect(try await api.call(.get, "/networking/v2.0/ports", token: admin).json?["ports"]?.array?.isEmpty == true)
            #expect(try await api.call(.delete, "/networking/v2.0/networks/\(ext)", token: admin).status == 204)
            #expect(try await api.call(.delete, "/networking/v2.0/networks/\(net)", token: demo).status == 204)
        }
    }
}

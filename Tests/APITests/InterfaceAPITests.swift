import CloudTestSupport
import Foundation
import HTTPTypes
import OpenStackHTTP
import CloudModel
import FakeHypervisorDriver
import StateStore
import Testing

/// Nova's `os-interface`: ports hot-plugged into and out of running servers, through the driver.
@Suite("Server interfaces")
struct InterfaceAPITests {
    @Test func portsAttachAndDetachThroughTheDriver() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            let lan = try await api.network(demo, "lan", cidr: "10.50.0.0/24").network
            let dmz = try await api.network(demo, "dmz", cidr: "10.51.0.0/24").network
            let server = try await api.boot(demo, imageID: image, extra: #","networks":[{"uuid":"\#(lan)"}]"#)
            try await api.waitStatus(demo, server, "ACTIVE")
            var found: Server?
            for site in cloud.hosts.keys { if let s = try await cloud.store.servers(site).find(server)?.value { found = s } }
            let record = try #require(found)
            let hostID = try #require(record.hostID)
            let driver = try #require(cloud.agents.driver(hostID))
            let given = record.nics.first.map { "\($0.addresses[0])/24" }
            #expect(await driver.ports(of: server)?.map(\.address) == [given], "the NIC given at spawn")
            let base = "/compute/v2.1/servers/\(server)/os-interface"
            #expect(try await api.call(.get, base, token: demo).json?["interfaceAttachments"]?.array?.count == 1)

            // A user's port, then a new port on a network with a fixed address.
            let port = try #require(try await api.call(.post, "/networking/v2.0/ports", token: demo, json: #"{"port":{"network_id":"\#(dmz)"}}"#)
                .json?["port"]?["id"]?.string)
            let plugged = try await api.call(.post, base, token: demo, json: #"{"interfaceAttachment":{"port_id":"\#(port)"}}"#)
            #expect(plugged.status == 200 && plugged.json?["interfaceAttachment"]?["port_state"] == "ACTIVE")
            let tagged = try await api.call(.post, base, token: demo,
                                            json: #"{"interfaceAttachment":{"net_id":"\#(dmz)","fixed_ips":[{"ip_address":"10.51.0.50"}],"tag":"backup"}}"#,
                                            headers: [HTTPField.Name("OpenStack-API-Version")!: "compute 2.70"])
            #expect(tagged.status == 200 && tagged.json?["interfaceAttachment"]?["tag"] == "backup")
            let madeID = try #require(tagged.json?["interfaceAttachment"]?["port_id"]?.string)
            #expect(await driver.ports(of: server)?.count == 3)
            let addresses = try await api.call(.get, "/compute/v2.1/servers/\(server)", token: demo).json?["server"]?["addresses"]
            #expect(addresses?["dmz"]?.array?.contains { $0["addr"] == "10.51.0.50" } == true)
            #expect(try await api.call(.post, base, token: demo, json: #"{"interfaceAttachment":{"port_id":"\#(port)","net_id":"\#(dmz)"}}"#).status == 400)
            #expect(try await api.call(.post, base, token: demo, json: #"{"interfaceAttachment":{"net_id":"\#(dmz)","tag":"x"}}"#).status == 400,
                    "tag only from 2.49")
            #expect(try await api.call(.post, base, token: demo, json: #"{"interfaceAttachment":{"port_id":"\#(port)"}}"#).status == 409,
                    "a port in use")

            // Detach: the user's port stays (unbound), the one made for the server goes.
            #expect(try await api.call(.delete, "\(base)/\(port)", token: demo).status == 202)
            let released = try await api.call(.get, "/networking/v2.0/ports/\(port)", token: demo).json?["port"]
            #expect(released?["device_id"] == "" && released?["status"] == "DOWN")
            #expect(try await api.call(.delete, "\(base)/\(madeID)", token: demo).status == 202)
            #expect(try await api.call(.get, "/networking/v2.0/ports/\(madeID)", token: demo).status == 404)
            #expect(try await api.call(.delete, "\(base)/\(madeID)", token: demo).status == 404)
            #expect(await driver.ports(of: server)?.count == 1)
            #expect(try await api.call(.get, base, token: demo).json?["interfaceAttachments"]?.array?.count == 1)
        }
    }
}

/// Nova's `os-security-groups` on a server and the add/remove security group actions.
@Suite("Server security groups")
struct ServerSecurityGroupTests {
    @Test func groupsAreAddedToAndRemovedFromTheServersPorts() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            _ = try await api.network(demo, "lan", cidr: "10.60.0.0/24")
            let web = try #require(try await api.call(.post, "/networking/v2.0/security-groups", token: demo,
                                                      json: #"{"security_group":{"name":"web"}}"#).json?["security_group"]?["id"]?.string)
            _ = try await api.call(.post, "/networking/v2.0/security-group-rules", token: demo,
                                   json: #"{"security_group_rule":{"security_group_id":"\#(web)","direction":"ingress","protocol":"tcp","port_range_min":80,"port_range_max":80,"remote_ip_prefix":"0.0.0.0/0"}}"#)
            let server = try await api.boot(demo, imageID: image)
            try await api.waitStatus(demo, server, "ACTIVE")
            let base = "/compute/v2.1/servers/\(server)"
            let initial = try await api.call(.get, "\(base)/os-security-groups", token: demo).json?["security_groups"]?.array ?? []
            #expect(initial.map { $0["name"] } == ["default"])
            #expect(try await api.call(.post, "\(base)/action", token: demo, json: #"{"addSecurityGroup":{"name":"web"}}"#).status == 202)
            let groups = try await api.call(.get, "\(base)/os-security-groups", token: demo).json?["security_groups"]?.array ?? []
            #expect(groups.map { $0["name"] } == ["default", "web"])
            let rule = groups.last?["rules"]?.array?.first
            #expect(rule?["ip_protocol"] == "tcp" && rule?["from_port"] == 80 && rule?["ip_range"]?["cidr"] == "0.0.0.0/0")
            let port = try await api.call(.get, "/networking/v2.0/ports?device_id=\(server)", token: demo).json?["ports"]?.array?.first
            #expect(port?["security_groups"]?.array?.contains(.string(web)) == true, "the port itself carries the group")
            let shown = try await api.call(.get, base, token: demo).json?["server"]?["security_groups"]?.array ?? []
            #expect(shown.map { $0["name"] } == ["default", "web"])
            #expect(try await api.call(.post, "\(base)/action", token: demo, json: #"{"addSecurityGroup":{"name":"web"}}"#).status == 400)
            #expect(try await api.call(.post, "\(base)/action", token: demo, json: #"{"addSecurityGroup":{"name":"nope"}}"#).status == 404)
            #expect(try await api.call(.post, "\(base)/action", token: demo, json: #"{"removeSecurityGroup":{"name":"web"}}"#).status == 202)
            #expect(try await api.call(.post, "\(base)/action", token: demo, json: #"{"removeSecurityGroup":{"name":"web"}}"#).status == 400)
            let after = try await api.call(.get, "\(base)/os-security-groups", token: demo).json?["security_groups"]?.array ?? []
            #expect(after.map { $0["name"] } == ["default"])
        }
    }
}

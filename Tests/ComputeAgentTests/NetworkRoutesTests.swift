import AgentHTTP
import AgentProtocol
import ComputeAgent
import DataPlane
import FakeHypervisorDriver
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LUCBase
import Logging
import NIOCore
import Testing

/// The agent's tenant-network endpoint over a real host fabric in a network namespace.
@Suite("Compute agent network wiring (real kernel networking)", .serialized,
       .enabled(if: getuid() == 0 && ["/usr/sbin/ip", "/sbin/ip"].contains { FileManager.default.isExecutableFile(atPath: $0) },
                "needs root and iproute2 (ip, bridge)"))
struct NetworkRoutesTests {
    static let network = "0c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"

    func floodList(_ namespace: String, vni: Int) async throws -> [String] {
        try await HostCommand.run("bridge", ["-n", namespace, "fdb", "show", "dev", "vx\(vni)"], check: false).output
            .split(separator: "\n").filter { $0.hasPrefix("00:00:00:00:00:00") }.compactMap { $0.split(separator: " ").dropFirst(2).first.map(String.init) }
    }

    @Test func aHostCarriesExactlyTheNetworkItIsTold() async throws {
        let underlay = Underlay(prefix: "la\(String(UInt32.random(in: 0x100...0xfff), radix: 16))")
        do {
            try await check(underlay)
        } catch {
            try? await underlay.removeAll()
            throw error
        }
        try await underlay.removeAll()
    }

    func check(_ underlay: Underlay) async throws {
        let host = try await underlay.addHost(site: 1, host: 1)
        let fabric = HostFabric(namespace: host.namespace, underlay: host.address, device: host.device)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let agent = ComputeAgent(site: "alpha", hosts: [
            AgentHost(name: "h1", driver: FakeHypervisorDriver(), vcpus: 4, ramMB: 4096, diskGB: 50, hostIP: host.address, fabric: fabric),
            AgentHost(name: "h2", driver: FakeHypervisorDriver(), vcpus: 4, ramMB: 4096, diskGB: 50),
        ], controllers: AcceptingControllers(), agentURL: "http://agent.test", logger: logger)
        let running = Task { await agent.run() }
        defer { running.cancel() }
        while agent.driver(forHost: "id-h1") == nil || agent.driver(forHost: "id-h2") == nil { try await Task.sleep(for: .milliseconds(5)) }
        try await Application(router: AgentRoutes.router(agent: agent, secret: AgentRoutesTests.secret)).test(.router) { client in
            func call(_ method: HTTPRequest.Method, host: String = "id-h1", _ body: NetworkWiring? = nil, secret: String = AgentRoutesTests.secret)
                async throws -> (Int, String)
            {
                var headers: HTTPFields = [HTTPField.Name(AgentProtocol.secretHeader)!: secret]
                var buffer: ByteBuffer? = nil
                if let body {
                    headers[.contentType] = "application/json"
                    buffer = ByteBuffer(bytes: try JSONEncoder().encode(body))
                }
                return try await client.execute(uri: "/agent/v1/hosts/\(host)/networks/\(Self.network)", method: method, headers: headers,
                                                body: buffer) { (Int($0.status.code), String(buffer: $0.body)) }
            }
            let wiring = NetworkWiring(vni: 3001, mtu: 1450, peers: ["172.31.2.1", "172.31.3.1"], macs: ["FA:16:3E:00:00:09": "172.31.2.1"])
            #expect(try await call(.put, wiring).0 == 204)
            #expect(try await call(.put, wiring).0 == 204, "repeating it changes nothing")
            #expect(try await floodList(host.namespace, vni: 3001).sorted() == ["172.31.2.1", "172.31.3.1"])
            let macs = try await HostCommand.run("bridge", ["-n", host.namespace, "fdb", "show", "dev", "vx3001"]).output
            #expect(macs.contains("fa:16:3e:00:00:09 dst 172.31.2.1"), "\(macs)")

            #expect(try await call(.put, NetworkWiring(vni: 3001, mtu: 1450, peers: ["172.31.3.1"])).0 == 204)
            #expect(try await floodList(host.namespace, vni: 3001) == ["172.31.3.1"], "a host that left is no longer flooded to")
            #expect(try await !HostCommand.run("bridge", ["-n", host.namespace, "fdb", "show", "dev", "vx3001"]).output.contains("fa:16:3e:00:00:09"))

            #expect(try await call(.put, NetworkWiring(vni: 0, mtu: 1450, peers: [])).0 == 400)
            #expect(try await call(.put, NetworkWiring(vni: 5, mtu: 1450, peers: ["172.31.2"])).0 == 400, "not an address")
            #expect(try await call(.put, NetworkWiring(vni: 5, mtu: 1450, peers: [], macs: ["fa:16:3e:00:00": "172.31.2.1"])).0 == 400)
            #expect(try await call(.put, NetworkWiring(vni: 5, mtu: 1450, peers: [], macs: ["fa:16:3e:00:00:01": "x"])).0 == 400)
            let spoofable = NetworkWiring.Port(id: "p1", mac: "fa:16:3e:00:00:01", addresses: ["10.0.0.5; flush ruleset"], security: true,
                                               ingress: [], egress: [])
            #expect(try await call(.put, NetworkWiring(vni: 5, mtu: 1450, peers: [], ports: [spoofable])).0 == 400,
                    "a port filter with something other than an address is a 400")
            let badRule = NetworkWiring.Port(id: "p1", mac: "fa:16:3e:00:00:01", addresses: ["10.0.0.5"], security: true,
                                             ingress: [.init(ethertype: "IPv4", proto: "tcp", portMin: 0, portMax: 99_999, remote: nil)], egress: [])
            #expect(try await call(.put, NetworkWiring(vni: 5, mtu: 1450, peers: [], ports: [badRule])).0 == 400)
            #expect(try await call(.put, host: "id-h2", wiring).0 == 409, "a host without a data plane says so")
            #expect(try await call(.put, host: "nope", wiring).0 == 404)
            #expect(try await call(.put, wiring, secret: "wrong").0 == 401)

            #expect(try await call(.delete).0 == 204)
            #expect(try await call(.delete).0 == 204, "already gone is fine")
            #expect(try await fabric.networks().isEmpty)
            let links = try await HostCommand.run("ip", ["-n", host.namespace, "-br", "link", "show"]).output
            #expect(!links.contains("vx3001") && !links.contains(OverlayNetwork.bridgeName(Self.network)), "\(links)")
        }
        // The controllers' HTTP client against the same endpoint, served for real.
        try await Application(router: AgentRoutes.router(agent: agent, secret: AgentRoutesTests.secret)).test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let http = InternalHTTP(secret: AgentRoutesTests.secret, timeout: .seconds(10))
            let agents = HTTPAgentClient(http: http)
            let wiring = NetworkWiring(vni: 3002, mtu: 1400, peers: ["172.31.4.1"])
            do {
                #expect(try await agents.wire(wiring, network: Self.network, host: "id-h1", at: base))
                #expect(try await floodList(host.namespace, vni: 3002) == ["172.31.4.1"])
                #expect(try await !agents.wire(wiring, network: Self.network, host: "id-h2", at: base), "no data plane there")
                try await agents.unwire(network: Self.network, host: "id-h1", at: base)
                try await agents.unwire(network: Self.network, host: "id-h2", at: base)
                #expect(try await fabric.networks().isEmpty)
            } catch {
                try await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }
    }
}

import AgentProtocol
import ComputeAgent
import FakeHypervisorDriver
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HypervisorDriver
import Logging
import NIOCore
import Testing

/// Controllers that accept every host and order nothing.
struct AcceptingControllers: ControllerClient {
    func register(_ registration: HostRegistration, site: String) async throws -> HostRegistered {
        HostRegistered(hostID: "id-\(registration.name)", heartbeatSeconds: 60)
    }
    func heartbeat(_ beat: Heartbeat, host: String, site: String) async throws {}
    func reconcile(_ report: ReconcileReport, host: String, site: String) async throws -> ReconcileOrders {
        ReconcileOrders(destroy: [])
    }
}

/// The agent's endpoint over a fake driver: the wire types, the operations, the error statuses.
@Suite("Compute agent endpoint")
struct AgentRoutesTests {
    static let secret = "s3cret"

    func withAgent(_ body: @Sendable (any TestClientProtocol, FakeHypervisorDriver) async throws -> Void) async throws {
        let driver = FakeHypervisorDriver()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let agent = ComputeAgent(site: "alpha", hosts: [AgentHost(name: "h1", driver: driver, vcpus: 4, ramMB: 4096, diskGB: 50)],
                                 controllers: AcceptingControllers(), agentURL: "http://agent.test", logger: logger)
        let running = Task { await agent.run() }
        defer { running.cancel() }
        while agent.driver(forHost: "id-h1") == nil { try await Task.sleep(for: .milliseconds(5)) }
        try await Application(router: AgentRoutes.router(agent: agent, secret: Self.secret)).test(.router) { client in
            try await body(client, driver)
        }
    }

    func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ body: (some Encodable)? = Optional<Int>.none,
              secret: String = AgentRoutesTests.secret) async throws -> (Int, ByteBuffer) {
        var headers: HTTPFields = [HTTPField.Name(AgentProtocol.secretHeader)!: secret]
        var buffer: ByteBuffer? = nil
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: try JSONEncoder().encode(body))
        }
        return try await client.execute(uri: "/agent/v1/hosts/id-h1/machines" + path, method: method, headers: headers, body: buffer) {
            (Int($0.status.code), $0.body)
        }
    }

    func info(_ buffer: ByteBuffer) throws -> MachineInfo { try JSONDecoder().decode(MachineInfo.self, from: Data(buffer.readableBytesView)) }

    @Test func spawnRequestsReachTheDriverWithTheirNICsAndDisks() async throws {
        try await withAgent { client, driver in
            let request = SpawnRequest(serverID: "m1", name: "vm", vcpus: 1, ramMB: 128, diskGB: 1, imageID: "img",
                                       nics: [.init(portID: "p1", networkID: "n1", mac: "fa:16:3e:00:00:01", address: "10.0.0.5/24")],
                                       disks: [.init(volumeID: "vol-1", path: "/srv/vol-1", format: "raw")])
            let (status, body) = try await call(client, .post, "", request)
            #expect(status == 200)
            #expect(try info(body) == MachineInfo(serverID: "m1", state: .running, disks: ["vol-1"], ports: ["p1"]))
            #expect(await driver.inspect("m1")?.disks == ["vol-1"])
            #expect(await driver.ports(of: "m1")?.first?.address == "10.0.0.5/24")
            let nic = AttachPortRequest(nic: .init(portID: "p2", networkID: "n2", mac: "fa:16:3e:00:00:02", mtu: 1450))
            let (plugged, after) = try await call(client, .post, "/m1/ports", nic)
            #expect(plugged == 200)
            #expect(try info(after).ports == ["p1", "p2"])
            let (unplugged, left) = try await call(client, .delete, "/m1/ports/p1")
            #expect(unplugged == 200)
            #expect(try info(left).ports == ["p2"])
        }
    }

    @Test func otherVersionsAndBadBodiesAre400AndNothingIsCreated() async throws {
        try await withAgent { client, driver in
            var request = SpawnRequest(serverID: "m1", name: "vm", vcpus: 1, ramMB: 128, diskGB: 1, imageID: "img")
            request.v = 2
            let newer = try await call(client, .post, "", request)
            #expect(newer.0 == 400)
            let malformed = try await call(client, .post, "", ["serverID": "m1"])
            #expect(malformed.0 == 400)
            #expect(await driver.list().isEmpty)
            let unauthenticated = try await call(client, .get, "", secret: "wrong")
            #expect(unauthenticated.0 == 401)
        }
    }

    @Test func everyOperationMapsToItsDriverCall() async throws {
        try await withAgent { client, driver in
            _ = try await call(client, .post, "", SpawnRequest(serverID: "m1", name: "vm", vcpus: 1, ramMB: 128, diskGB: 1, imageID: "img"))
            let expected: [(MachineOperation, MachineState)] = [
                (.nmi, .running), (.pause, .paused), (.unpause, .running), (.suspend, .suspended), (.resume, .running), (.reboot, .running),
                (.stop, .shutdown), (.start, .running), (.rebootHard, .running),
            ]
            #expect(Set(expected.map(\.0)) == Set(MachineOperation.allCases))
            for (operation, state) in expected {
                let (status, body) = try await call(client, .post, "/m1/\(operation.rawValue)")
                #expect(status == 200 && (try? info(body).state) == state, "\(operation)")
                #expect(await driver.inspect("m1")?.state == state, "\(operation)")
            }
            #expect(try await call(client, .post, "/m1/explode").0 == 404)
        }
    }

    @Test func driverErrorsGetTheirStatusFromTheOneTable() async throws {
        try await withAgent { client, _ in
            #expect(try await call(client, .post, "/ghost/start").0 == AgentStatus.status(of: DriverError(code: .notFound, message: "")))
            _ = try await call(client, .post, "", SpawnRequest(serverID: "m1", name: "vm", vcpus: 1, ramMB: 128, diskGB: 1, imageID: "img"))
            _ = try await call(client, .post, "/m1/stop")
            let pause = try await call(client, .post, "/m1/pause")  // a stopped machine cannot be paused
            #expect(pause.0 == 409)
            #expect(AgentStatus.kind(ofStatus: 409) == .driver && AgentStatus.kind(ofStatus: 404) == .notFound
                    && AgentStatus.kind(ofStatus: 503) == .unreachable)
        }
    }

    @Test func disksAttachAndDetachThroughTheProtocol() async throws {
        try await withAgent { client, driver in
            _ = try await call(client, .post, "", SpawnRequest(serverID: "m1", name: "vm", vcpus: 1, ramMB: 128, diskGB: 1, imageID: "img"))
            let attach = AttachDiskRequest(disk: .init(volumeID: "vol-9", path: "/srv/vol-9", format: "qcow2"))
            let (status, body) = try await call(client, .post, "/m1/disks", attach)
            #expect(status == 200 && (try? info(body).disks) == ["vol-9"])
            let (detached, after) = try await call(client, .delete, "/m1/disks/vol-9")
            #expect(detached == 200 && (try? info(after).disks) == [])
            #expect(await driver.inspect("m1")?.disks == [])
            #expect(try await call(client, .post, "/ghost/disks", attach).0 == 404)
        }
    }
}

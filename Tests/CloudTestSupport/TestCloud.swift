import AgentProtocol
public import CloudModel
public import ControlPlane
import Controller
import FakeHypervisorDriver
import FakeStorageDriver
import Foundation
public import HTTPTypes
public import Hummingbird
public import HummingbirdTesting
import InternalAPI
import Logging
public import NIOCore
import NIOFoundationEssentialsCompat
public import OpenStackHTTP
public import StateStore
import Testing

/// A cloud in the test process (shared by the API, control-plane and site-routing tests): an in-memory store, fake hosts behind `InProcessAgents`, and the
/// controller's real router, driven through Hummingbird's router test client.
public struct TestCloud: Sendable {
    public let store: Store
    public let cloud: ControlPlane
    public let agents: InProcessAgents
    public let hosts: [String: [String]]  // site → host IDs
    /// Each site's block storage (in memory; pass one cloud's to another to share it).
    public let storage: SiteStorage
    public static let sites = [Site(id: "alpha", index: 1, name: "Alpha", latitude: 48.1, longitude: -1.7),
                        Site(id: "beta", index: 2, name: "Beta", latitude: 45.8, longitude: 4.8)]

    public struct Options {
        public var hostsPerSite = 2
        public var vcpus = 8
        public var ramMB = 16384
        public var failureRate = 0.0
        public var hostLeaseTTL: Duration = .seconds(3600)
        public var controllerLeaseTTL: Duration = .seconds(3600)
        public var controllerID = "test-controller"
        public var site = "alpha"
        public init(hostsPerSite: Int = 2, vcpus: Int = 8, ramMB: Int = 16384, failureRate: Double = 0.0,
                    hostLeaseTTL: Duration = .seconds(3600), controllerLeaseTTL: Duration = .seconds(3600),
                    controllerID: String = "test-controller", site: String = "alpha") {
            self.hostsPerSite = hostsPerSite
            self.vcpus = vcpus
            self.ramMB = ramMB
            self.failureRate = failureRate
            self.hostLeaseTTL = hostLeaseTTL
            self.controllerLeaseTTL = controllerLeaseTTL
            self.controllerID = controllerID
            self.site = site
        }
    }

    public static func make(_ options: Options = Options(), engine: (any KeyValueEngine)? = nil, agents: InProcessAgents? = nil,
                     register: Bool = true, imagePeers: (any ImagePeers)? = nil, storage: SiteStorage? = nil,
                     volumePeers: (any VolumePeers)? = nil,
                     clock: any WallClock = SystemClock()) async throws -> TestCloud {
        let store = Store(engine: engine ?? InMemoryEngine())
        try await Bootstrap.ensure(store: store, sites: sites, accounts: [
            .init(user: "admin", password: "adminpw", project: "admin", role: "admin"),
            .init(user: "demo", password: "demopw", project: "demo", role: "member"),
            .init(user: "other", password: "otherpw", project: "other", role: "member"),
            .init(user: "viewer", password: "viewerpw", project: "demo", role: "reader"),
        ])
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let configuration = ControllerConfiguration(
            controllerID: options.controllerID, site: options.site, publicURL: "http://cloud.test", region: "RegionOne",
            dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("luc-test-\(UUID().uuidString)"),
            bootDeadline: .seconds(30), actionDeadline: .seconds(30), controllerLeaseTTL: options.controllerLeaseTTL,
            hostLeaseTTL: options.hostLeaseTTL)
        let agents = agents ?? InProcessAgents()
        let storages = Dictionary(uniqueKeysWithValues: sites.map { ($0.id, FakeStorageDriver(root: "/fake-storage/\($0.id)")) })
        let storage = storage ?? SiteStorage { storages[$0] }
        let cloud = try await ControlPlane.start(configuration: configuration, store: store, agents: agents,
                                                 storage: storage, imagePeers: imagePeers, volumePeers: volumePeers,
                                                 clock: clock, logger: logger)
        var hosts: [String: [String]] = [:]
        if register {
            for site in sites {
                for i in 1...options.hostsPerSite {
                    let registered = try await cloud.hostRegistry.register(
                        HostRegistration(name: "\(site.id)-h\(i)", vcpus: options.vcpus, ramMB: options.ramMB, diskGB: 500,
                                         hypervisorType: "fake", hostIP: "10.255.\(site.index).\(i)", agentURL: "inprocess://\(site.id)-h\(i)",
                                         dataPlane: true),
                        site: site.id)
                    if agents.driver(registered.hostID) == nil {
                        agents.add(host: registered.hostID,
                                   driver: FakeHypervisorDriver(configuration: .init(failureRate: options.failureRate, seed: UInt64(i))))
                    }
                    hosts[site.id, default: []].append(registered.hostID)
                }
            }
        }
        return TestCloud(store: store, cloud: cloud, agents: agents, hosts: hosts, storage: storage)
    }

    public var router: Router<APIRequestContext> { ControllerApplication.router(cloud: cloud, secret: ClusterSecret("secret")) }

    /// Runs `body` with a client talking to this cloud's router.
    public func withClient<T: Sendable>(_ body: @Sendable (APIClient) async throws -> T) async throws -> T {
        try await Application(router: router).test(.router) { client in try await body(APIClient(client: client)) }
    }
}

/// A small JSON client over the router test client.
public struct APIClient: Sendable {
    public let client: any TestClientProtocol
    public init(client: any TestClientProtocol) { self.client = client }

    public struct Reply: Sendable {
        public var status: Int
        public var headers: HTTPFields
        public var body: ByteBuffer
        public var json: JSON? { JSON.parse(Data(body.readableBytesView)) }
        public var text: String { String(buffer: body) }
    }

    public func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil,
              bytes: [UInt8]? = nil, headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let token { headers[HTTPField.Name("X-Auth-Token")!] = token }
        var body: ByteBuffer? = nil
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: json)
        } else if let bytes {
            headers[.contentType] = "application/octet-stream"
            body = ByteBuffer(bytes: bytes)
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Reply(status: Int(response.status.code), headers: response.headers, body: response.body)
        }
    }

    /// A project-scoped token.
    public func token(_ user: String, _ password: String, project: String) async throws -> String {
        let reply = try await call(.post, "/identity/v3/auth/tokens", json: """
            {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"\(user)","domain":{"name":"Default"},"password":"\(password)"}}},
             "scope":{"project":{"name":"\(project)","domain":{"name":"Default"}}}}}
            """)
        guard reply.status == 201, let token = reply.headers[HTTPField.Name("X-Subject-Token")!] else {
            throw TestFailure("login of \(user) failed: \(reply.status) \(reply.text)")
        }
        return token
    }

    /// Boots a server and returns its ID.
    public func boot(_ token: String, name: String = "vm", imageID: String, flavor: String = "42", zone: String? = nil,
              extra: String = "") async throws -> String {
        let zoneField = zone.map { ",\"availability_zone\":\"\($0)\"" } ?? ""
        let reply = try await call(.post, "/compute/v2.1/servers", token: token, json: """
            {"server":{"name":"\(name)","imageRef":"\(imageID)","flavorRef":"\(flavor)"\(zoneField)\(extra)}}
            """)
        guard reply.status == 202, let id = reply.json?["server"]?["id"]?.string else {
            throw TestFailure("boot failed: \(reply.status) \(reply.text)")
        }
        return id
    }

    /// Polls the server until `predicate` holds on its JSON (or it is gone when `gone`).
    @discardableResult
    public func waitServer(_ token: String, _ id: String, timeout: Duration = .seconds(10),
                    until predicate: @Sendable (JSON?) -> Bool) async throws -> JSON? {
        let deadline = ContinuousClock.now + timeout
        var last: JSON? = nil
        while ContinuousClock.now < deadline {
            let reply = try await call(.get, "/compute/v2.1/servers/\(id)", token: token)
            last = reply.status == 404 ? nil : reply.json?["server"]
            if predicate(last) { return last }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("server \(id) did not reach the wanted state; last: \(String(describing: last))")
    }

    public func waitStatus(_ token: String, _ id: String, _ status: String) async throws {
        try await waitServer(token, id) { $0?["status"]?.string == status && $0?["OS-EXT-STS:task_state"] == .null }
    }

    /// Creates and uploads an image; returns its ID.
    public func image(_ token: String, name: String = "img", bytes: [UInt8] = Array(repeating: 7, count: 4096),
               visibility: String = "private") async throws -> String {
        let created = try await call(.post, "/image/v2/images", token: token, json: """
            {"name":"\(name)","disk_format":"raw","container_format":"bare","visibility":"\(visibility)"}
            """)
        guard created.status == 201, let id = created.json?["id"]?.string else { throw TestFailure("image create: \(created.text)") }
        let upload = try await call(.put, "/image/v2/images/\(id)/file", token: token, bytes: bytes)
        guard upload.status == 204 else { throw TestFailure("upload: \(upload.status) \(upload.text)") }
        return id
    }

    /// Creates a network with one IPv4 subnet; returns their IDs.
    public func network(_ token: String, _ name: String, cidr: String) async throws -> (network: String, subnet: String) {
        let made = try await call(.post, "/networking/v2.0/networks", token: token, json: #"{"network":{"name":"\#(name)"}}"#)
        guard made.status == 201, let network = made.json?["network"]?["id"]?.string else { throw TestFailure("network: \(made.text)") }
        let sub = try await call(.post, "/networking/v2.0/subnets", token: token,
                                 json: #"{"subnet":{"network_id":"\#(network)","cidr":"\#(cidr)","ip_version":4}}"#)
        guard sub.status == 201, let subnet = sub.json?["subnet"]?["id"]?.string else { throw TestFailure("subnet: \(sub.text)") }
        return (network, subnet)
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

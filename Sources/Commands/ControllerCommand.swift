import AgentHTTP
import ArgumentParser
import AsyncHTTPClient
import ControlPlane
import Controller
import FileStorageDriver
import Foundation
import Hummingbird
import InternalAPI
import Logging
import SiteRouting
import StateStore
import StateStoreEmbedded
import StateStoreRedis

/// `luc controller`: one controller of one site (all APIs, scheduling, task recovery).
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "controller", abstract: "Run a controller of a site.")

    @Option(help: "The cloud configuration file.") var config: String
    @Option(help: "The site this controller belongs to.") var site: String
    @Option(help: "Address to listen on, host:port.") var listen: String = "127.0.0.1:5000"
    @Option(help: "URL users reach this controller at (default: http://<listen>).") var publicURL: String?
    @Option(help: "A stable ID for this controller (default: <site>-<port>).") var id: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "notice"
    @Option(help: "Exit when this process (the demo supervisor) is gone.") var parentPID: Int32?

    func run() async throws {
        let cloudConfig = try CloudConfiguration.load(config)
        _ = try cloudConfig.site(site)
        let (host, port) = try parseAddress(listen)
        var logger = Logger(label: "luc.controller.\(site)")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
        let store = try openStore(cloudConfig, site: site)
        try await Bootstrap.ensure(store: store, sites: cloudConfig.sites.map(\.site),
                                   accounts: cloudConfig.accounts.map { .init(user: $0.user, password: $0.password, project: $0.project, role: $0.role) })
        // Spawns wait for the guest to be ready: up to the boot deadline.
        let http = InternalHTTP(secret: cloudConfig.secret, timeout: .seconds(330))
        let peers = SiteControllers(store: store, site: site, sites: cloudConfig.sites.map(\.id),
                                    routes: cloudConfig.routes ?? [:])
        let multiSite = cloudConfig.sites.count > 1
        var configuration = ControllerConfiguration(
            controllerID: id ?? "\(site)-\(port)", site: site, publicURL: publicURL ?? "http://\(listen)",
            region: cloudConfig.region,
            dataDirectory: URL(fileURLWithPath: cloudConfig.dataPath).appendingPathComponent(site))
        configuration.latencyMS = cloudConfig.latencyMS?[site] ?? [:]
        configuration.keepsSightings = multiSite && cloudConfig.forwardRequests != false
        // Each site's shared storage: <data>/<site>/volumes, as every host of the site sees it. This
        // site's is made here; another site's is used only where it exists (the same machine or a
        // shared file system): otherwise that site's controllers do its volumes' work.
        let dataPath = URL(fileURLWithPath: cloudConfig.dataPath)
        @Sendable func volumes(_ site: String) -> URL { dataPath.appendingPathComponent(site).appendingPathComponent("volumes") }
        _ = try FileStorageDriver(directory: volumes(site))
        // Volumes' bytes cross sites only for backups, and then over HTTP from the volume's site
        // (`HTTPVolumePeers`) unless that site's storage is visible here.
        let storage = SiteStorage { other in
            FileManager.default.fileExists(atPath: volumes(other).path) ? try? FileStorageDriver(directory: volumes(other)) : nil
        }
        let cloud = try await ControlPlane.start(configuration: configuration, store: store, agents: HTTPAgentClient(http: http),
                                                 storage: storage,
                                                 imagePeers: multiSite ? HTTPImagePeers(http: http, controllers: peers) : nil,
                                                 volumePeers: multiSite ? HTTPVolumePeers(http: http, controllers: peers) : nil,
                                                 logger: logger)
        let forwarding = OpenStackSession.makeClient(connections: 32)
        let app = Application(router: ControllerApplication.router(cloud: cloud, secret: ClusterSecret(cloudConfig.secret),
                                                                   forwarding: multiSite && cloudConfig.forwardRequests != false ? (forwarding, peers) : nil),
                              configuration: .init(address: .hostname(host, port: port), serverName: "luc-controller"),
                              logger: logger)
        logger.notice("controller serving", metadata: ["site.id": "\(site)", "url": "\(configuration.publicURL)"])
        try await runUntilStopped(app: app, background: {
            async let directory: Void = multiSite ? peers.run() : ()
            await cloud.run()
            await directory
        }, parentPID: parentPID)
        try await http.shutdown()
        try await forwarding.shutdown()
    }
}

/// Opens the engine the configuration names, as seen from `site`.
func openStore(_ config: CloudConfiguration, site: String) throws -> Store {
    let settings = config.store
    func redis(_ url: String, wait: Int = 0) throws -> RedisEngine {
        guard let endpoint = RedisClient.Endpoint(url) else { throw CommandError("'\(url)' is not a redis://host:port URL") }
        return RedisEngine(endpoint: endpoint, poolSize: 8, replicasToWait: wait)
    }
    switch settings.engine {
    case "embedded":
        guard let path = settings.path else { throw CommandError("the embedded store needs store.path") }
        return Store(engine: try EmbeddedEngine(directory: URL(fileURLWithPath: path)))
    case "memory":
        return Store(engine: InMemoryEngine())
    case "redis":
        if let shared = settings.redis { return Store(engine: try redis(shared)) }
        guard let global = settings.global, let sites = settings.sites else {
            throw CommandError("the redis store needs either store.redis (shared) or store.global and store.sites (autonomous)")
        }
        var engines: [String: any KeyValueEngine] = [:]
        for (id, url) in sites { engines[id] = try redis(url, wait: settings.waitReplicas ?? 0) }
        let replica = try settings.globalReplicas?[site].map { try redis($0) }
        return Store(engine: KeyspaceRouter(global: try redis(global), globalReplica: replica, sites: engines))
    default:
        throw CommandError("unknown store engine '\(config.store.engine)' (known: embedded, memory)")
    }
}

func parseAddress(_ text: String) throws -> (String, Int) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
        throw CommandError("'\(text)' is not host:port")
    }
    return (String(text[..<colon]), port)
}

/// Runs the HTTP application and a background job until SIGINT/SIGTERM, or until the parent
/// process is gone.
func runUntilStopped(app: some ApplicationProtocol, background: @escaping @Sendable () async -> Void,
                     parentPID: Int32?) async throws {
    await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService() }
        group.addTask { await background() }
        if let parentPID {
            group.addTask {
                while !Task.isCancelled, getppid() == parentPID { try await Task.sleep(for: .milliseconds(500)) }
                if !Task.isCancelled { exit(0) }  // the supervisor is gone (even killed -9): so are we
            }
        }
        do {
            try await group.next()
        } catch {}
        group.cancelAll()
    }
}

#if canImport(Glibc)
import Glibc
#endif

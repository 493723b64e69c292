import AsyncHTTPClient
import DataPlane
import Foundation
import QEMUDriver
import LUCBase
import Hummingbird
import NIOCore
import NIOPosix
import Synchronization
import WANEmulator

/// The processes and WAN links of a `luc lab`.
final class LabCluster: Sendable {
    let root: URL
    let sites: [CloudConfiguration.SiteSettings]
    let controllerURLs: [String: [String]]
    let links: [WANLink]
    let supervisor: ProcessSupervisor
    let deployment: String
    let rttMS: Int
    /// Ports of every Redis server of the lab.
    let redisPorts: [Int]
    let driver: DemoDriver
    /// With qemu as root: the underlay the hosts run in (sites' links cut and healed with the WAN's).
    let underlay: Underlay?
    private let stopped = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let stopRequested = Mutex(false)

    private init(root: URL, sites: [CloudConfiguration.SiteSettings], controllerURLs: [String: [String]], links: [WANLink],
                 supervisor: ProcessSupervisor, deployment: String, rttMS: Int, redisPorts: [Int], driver: DemoDriver, underlay: Underlay?) {
        self.redisPorts = redisPorts
        self.driver = driver
        self.underlay = underlay
        self.root = root
        self.sites = sites
        self.controllerURLs = controllerURLs
        self.links = links
        self.supervisor = supervisor
        self.deployment = deployment
        self.rttMS = rttMS
    }

    static let redisBinary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func start(stateDir: String, sites count: Int, hostsPerSite: Int, controllersPerSite: Int, rttMS: Int, jitterMS: Int,
                      deployment: String, port base: Int, spawnDelayMS: Int, hostRamMB: Int = 262_144,
                      driver: DemoDriver = .fake) async throws -> LabCluster {
        guard let redis = redisBinary else { throw CommandError("the lab needs redis-server (apt-get install redis-server)") }
        let root = URL(fileURLWithPath: stateDir).standardizedFileURL
        // Real VMs get a real data plane: every host a network namespace of an underlay (root only).
        let underlay = driver.isQEMU && getuid() == 0 ? Underlay(prefix: "lab\(base)") : nil
        await QEMUDriver.killMachines(under: root.appendingPathComponent("hosts"))  // a previous lab's, after a crash
        try await underlay?.removeAll()
        try? FileManager.default.removeItem(at: root)
        let logs = root.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let sites = Array(CloudConfiguration.demoSites.prefix(count))
        let supervisor = ProcessSupervisor(logDirectory: logs)
        // Whatever fails on the way up, nothing the lab started is left running.
        do {
            let secret = (0..<4).map { _ in UUID().uuidString }.joined().replacingOccurrences(of: "-", with: "")
            func sitePort(_ i: Int, _ offset: Int) -> Int { base + 10 * i + offset }
            let globalPort = sitePort(0, 1)

            // Redis: a primary per site (autonomous) or one shared server at the first site.
            var redisPorts: [Int] = []
            func startRedis(_ name: String, port: Int, replicaOf: Int? = nil) throws {
                redisPorts.append(port)
                let dir = root.appendingPathComponent("redis-\(name)")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                var arguments = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir.path, "--appendonly", "yes",
                                 "--appendfsync", "everysec", "--save", "", "--protected-mode", "no", "--repl-diskless-sync", "yes",
                                 "--repl-diskless-sync-delay", "0"]
                if let replicaOf { arguments += ["--replicaof", "127.0.0.1", String(replicaOf)] }
                try supervisor.startExternal("redis-\(name)", executable: redis, arguments)
            }

            // WAN links: from each site to each other site's services.
            let group = MultiThreadedEventLoopGroup.singleton
            var links: [WANLink] = []
            var nextLinkPort = base + 1000
            func link(from: Int, to: Int, port target: Int, service: String) async throws -> Int {
                let l = WANLink(name: "\(sites[from].id)→\(sites[to].id) \(service)", from: sites[from].id, to: sites[to].id,
                                target: try SocketAddress(ipAddress: "127.0.0.1", port: target),
                                delay: .microseconds(Int64(rttMS) * 500), jitter: .microseconds(Int64(jitterMS) * 1000))
                let listening = try await l.start(port: nextLinkPort, group: group)
                nextLinkPort += 1
                links.append(l)
                return listening
            }
            func reach(from: Int, to: Int, port: Int, service: String) async throws -> Int {
                from == to ? port : try await link(from: from, to: to, port: port, service: service)
            }

            if deployment == "shared" {
                try startRedis("shared", port: globalPort)
            } else {
                try startRedis("global", port: globalPort)
                for i in sites.indices { try startRedis(sites[i].id, port: sitePort(i, 0)) }
            }
            var controllerURLs: [String: [String]] = [:]
            for i in sites.indices {
                controllerURLs[sites[i].id] = (0..<controllersPerSite).map { "http://127.0.0.1:\(sitePort(i, 2 + $0))" }
            }
            // Per-site configuration: remote services through the WAN links.
            var configPaths: [String: String] = [:]
            for i in sites.indices {
                var store: CloudConfiguration.StoreSettings
                if deployment == "shared" {
                    store = .init(engine: "redis", redis: "redis://127.0.0.1:\(try await reach(from: i, to: 0, port: globalPort, service: "redis"))")
                } else {
                    var siteStores: [String: String] = [:]
                    for j in sites.indices {
                        siteStores[sites[j].id] = "redis://127.0.0.1:\(try await reach(from: i, to: j, port: sitePort(j, 0), service: "redis"))"
                    }
                    let globalFromHere = try await reach(from: i, to: 0, port: globalPort, service: "global")
                    var replicas: [String: String] = [:]
                    if i > 0 {
                        // A read replica of `global` in this site, replicating across the WAN.
                        try startRedis("global-replica-\(sites[i].id)", port: sitePort(i, 1), replicaOf: globalFromHere)
                        replicas[sites[i].id] = "redis://127.0.0.1:\(sitePort(i, 1))"
                    }
                    store = .init(engine: "redis", global: "redis://127.0.0.1:\(globalFromHere)", globalReplicas: replicas, sites: siteStores)
                }
                // Other sites' controllers are found through their leases; this site reaches each
                // advertised URL through its relay of the WAN emulator.
                var routes: [String: String] = [:]
                for j in sites.indices where j != i {
                    for url in controllerURLs[sites[j].id]! {
                        let port = Int(url.split(separator: ":").last!)!
                        routes[url] = "http://127.0.0.1:\(try await reach(from: i, to: j, port: port, service: "api"))"
                    }
                }
                var config = CloudConfiguration(region: "RegionOne", secret: secret, store: store,
                                                dataPath: root.appendingPathComponent("data").path, sites: sites,
                                                accounts: [.init(user: "admin", password: DemoCluster.adminPassword, project: "admin", role: "admin"),
                                                           .init(user: "demo", password: DemoCluster.demoPassword, project: "demo", role: "member")])
                config.routes = routes
                config.latencyMS = Dictionary(uniqueKeysWithValues: sites.map { site in
                    (site.id, Dictionary(uniqueKeysWithValues: sites.filter { $0.id != site.id }.map { ($0.id, Double(rttMS)) }))
                })
                let path = root.appendingPathComponent("cloud-\(sites[i].id).json").path
                try config.save(path)
                configPaths[sites[i].id] = path
            }
            try await Task.sleep(for: .milliseconds(300))  // Redis servers listening
            for (i, site) in sites.enumerated() {
                for (c, url) in controllerURLs[site.id]!.enumerated() {
                    let listen = String(url.dropFirst(7))
                    try supervisor.start("controller-\(site.id)-\(c + 1)", ["controller", "--config", configPaths[site.id]!,
                                                                           "--site", site.id, "--listen", listen])
                    if i == 0 && c == 0 { try await DemoCluster.waitHealthy(url) }
                }
            }
            if let underlay {
                for i in sites.indices { for host in 1...hostsPerSite { _ = try await underlay.addHost(site: i + 1, host: host) } }
            }
            for (i, site) in sites.enumerated() {
                let machines = driver.isQEMU
                    ? driver.agentArguments(hosts: sites.count * hostsPerSite) + ["--state-dir", root.appendingPathComponent("hosts").path]
                    : ["--ram-mb", String(hostRamMB)]
                try supervisor.start("compute-\(site.id)", ["compute", "--config", configPaths[site.id]!, "--site", site.id,
                                                            "--listen", "127.0.0.1:\(sitePort(i, 9))", "--hosts", String(hostsPerSite),
                                                            "--spawn-delay-ms", String(spawnDelayMS)] + machines
                                                           + (underlay.map { ["--netns", $0.prefix, "--site-index", String(i + 1)] } ?? [])
                                                           + controllerURLs[site.id]!.flatMap { ["--controller", $0] })
            }
            let cluster = LabCluster(root: root, sites: sites, controllerURLs: controllerURLs, links: links, supervisor: supervisor,
                                     deployment: deployment, rttMS: rttMS, redisPorts: redisPorts, driver: driver, underlay: underlay)
            do {
                for list in controllerURLs.values { for url in list { try await DemoCluster.waitHealthy(url) } }
                let authURL = controllerURLs[sites[0].id]![0] + "/identity/v3"
                if driver.isQEMU { try await CloudSetup.ensureImage(driver, authURL: authURL) }
                if underlay != nil { try await CloudSetup.ensureUplinks(sites: sites.map(\.id), authURL: authURL) }
                try (controllerURLs[sites[0].id]![0] + "/identity/v3\n").write(to: root.appendingPathComponent("auth-url"), atomically: true, encoding: .utf8)
                try cluster.writeConfig(configPaths[sites[0].id]!)
                try await cluster.startControl(port: base + 999)
            } catch {
                await cluster.stop()
                throw CommandError("the lab did not come up (\(error)); see \(logs.path)")
            }
            return cluster
        } catch {
            await supervisor.stopAll()
            await QEMUDriver.killMachines(under: root.appendingPathComponent("hosts"))
            try? await underlay?.removeAll()
            throw error
        }
    }

    /// Cuts (or heals) the data plane between two sites as the WAN links between them are.
    func setDataPlaneCut(_ a: String, _ b: String, _ cut: Bool) async throws {
        guard let underlay, let i = sites.firstIndex(where: { $0.id == a }), let j = sites.firstIndex(where: { $0.id == b }) else { return }
        if cut { try await underlay.cut(i + 1, j + 1) } else { try await underlay.heal(i + 1, j + 1) }
    }

    /// `cloud.json` for `luc status`/`luc bench --state-dir`: the first site's view.
    private func writeConfig(_ path: String) throws {
        try FileManager.default.copyItem(atPath: path, toPath: root.appendingPathComponent("cloud.json").path)
    }

    /// Bytes every Redis server of the lab received and sent (its `INFO stats`), read with redis-cli.
    func redisBytes() async -> Int {
        var total = 0
        for port in redisPorts {
            // redis-cli is waited for on the thread pool, not on the cooperative pool.
            let text = (try? await BlockingIO.run { () -> String in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
                process.arguments = ["-p", String(port), "info", "stats"]
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                let output = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return String(decoding: output, as: UTF8.self)
            }) ?? ""
            total += text.split(whereSeparator: \.isNewline).compactMap { line -> Int? in
                let parts = line.split(separator: ":")
                guard parts.count == 2, parts[0] == "total_net_input_bytes" || parts[0] == "total_net_output_bytes" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.reduce(0, +)
        }
        return total
    }

    /// Bytes carried by the WAN links, per link and in total.
    var wanBytes: Int { links.map(\.bytes).reduce(0, +) }

    func linksReport() -> String {
        links.map { "\($0.name)\t\($0.isCut ? "CUT" : "up")\t\($0.bytes) bytes" }.joined(separator: "\n")
            + "\ntotal\t\(wanBytes) bytes"
    }

    private func startControl(port: Int) async throws {
        let router = Router()
        router.post("/partition/:site") { _, context -> String in
            let site = try context.parameters.require("site")
            guard self.sites.contains(where: { $0.id == site }) else { throw HTTPError(.notFound, message: "no site \(site)") }
            for link in self.links where link.from == site || link.to == site { link.setCut(true) }
            for other in self.sites where other.id != site { try await self.setDataPlaneCut(site, other.id, true) }
            return "site \(site) is cut off"
        }
        router.post("/cut/:a/:b") { _, context -> String in
            let a = try context.parameters.require("a"), b = try context.parameters.require("b")
            for site in [a, b] where !self.sites.contains(where: { $0.id == site }) {
                throw HTTPError(.notFound, message: "no site \(site)")
            }
            guard a != b else { throw HTTPError(.badRequest, message: "a link joins two different sites") }
            for link in self.links where Set([link.from, link.to]) == Set([a, b]) { link.setCut(true) }
            try await self.setDataPlaneCut(a, b, true)
            return "\(a) and \(b) cannot reach each other (both still reach the other sites)"
        }
        router.post("/heal") { _, _ -> String in
            for link in self.links { link.setCut(false) }
            for a in self.sites { for b in self.sites where a.id < b.id { try await self.setDataPlaneCut(a.id, b.id, false) } }
            return "all links restored"
        }
        router.get("/links") { _, _ -> String in self.linksReport() }
        router.post("/down") { _, _ -> String in
            self.requestStop()
            return "stopping the lab"
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        Task { try? await app.runService(gracefulShutdownSignals: []) }
        try await DemoCluster.waitHealthy("http://127.0.0.1:\(port)", path: "/links")
        try "http://127.0.0.1:\(port)\n".write(to: root.appendingPathComponent("control-url"), atomically: true, encoding: .utf8)
    }

    func requestStop() {
        stopRequested.withLock { $0 = true }
        stopped.withLock { $0?.resume(); $0 = nil }
    }

    /// Returns on SIGINT/SIGTERM or `luc lab down`.
    func waitUntilStopped() async {
        Task {
            await waitForSignal()
            self.requestStop()
        }
        await withCheckedContinuation { continuation in
            let already = stopRequested.withLock { $0 }
            if already { continuation.resume() } else { stopped.withLock { $0 = continuation } }
        }
    }

    func banner() -> String {
        """
        LUC OS lab is up: \(sites.count) sites, \(deployment) deployment, \(rttMS) ms RTT between sites.
        \(sites.map { "  \($0.id): \(controllerURLs[$0.id]!.joined(separator: ", "))" }.joined(separator: "\n"))
          state and logs: \(root.path)
        export OS_AUTH_URL=\(controllerURLs[sites[0].id]![0])/identity/v3 OS_USERNAME=admin OS_PASSWORD=\(DemoCluster.adminPassword) OS_PROJECT_NAME=admin
        luc lab partition <site> | luc lab cut <site> <site> | luc lab heal | luc lab links | luc lab down   (with --state-dir \(root.path))
          data plane: \(dataPlaneNote)
        """
    }

    var dataPlaneNote: String {
        if let underlay {
            return "each host is a network namespace \(underlay.prefix)-s<site>h<n>, each site's uplink public-<site> ends in \(underlay.prefix)-s<site>out; partition, cut and heal apply to it too"
        }
        return driver.isQEMU ? "none: not root, so no network namespaces (VMs boot, their networks carry no traffic)" : "none with simulated hosts"
    }

    func stop() async {
        await supervisor.stopAll()
        for link in links { await link.stop() }
        // Unlike the demo, a lab keeps nothing: its VMs and namespaces go with it.
        if driver.isQEMU { await QEMUDriver.killMachines(under: root.appendingPathComponent("hosts")) }
        try? await underlay?.removeAll()
        try? FileManager.default.removeItem(at: root.appendingPathComponent("control-url"))
    }
}

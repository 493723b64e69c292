import ArgumentParser
import AsyncHTTPClient
import DataPlane
import Foundation
import LUCBase
import QEMUDriver
import NIOHTTP1
import StateStore
import StateStoreEmbedded
import Synchronization

/// `luc bench`: boots servers through the public API across the sites, waits for ACTIVE, then
/// measures show and list, and deletes them. Prints throughput and latency percentiles.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmark boots, shows, lists and deletes.")

    @OptionGroup var session: SessionOptions
    @Flag(help: "Start a fresh demo cloud (4 sites × 3 fake hosts) for the run, and stop it afterwards.") var demo = false
    @Flag(help: "Start a fresh lab (real Redis per site, emulated WAN) for the run, and stop it afterwards.") var lab = false
    @Option(help: "With --lab: autonomous or shared.") var deployment: String = "autonomous"
    @Option(help: "With --lab: round-trip time between sites in milliseconds.") var rttMS: Int = 10
    @Option(help: "With --demo: number of sites.") var sites: Int = 4
    @Option(help: "With --demo: hosts per site.") var hostsPerSite: Int = 3
    @Option(help: "With --demo: first controller port.") var port: Int = 5301
    @Option(help: "Servers to boot.") var servers: Int = 500
    @Option(help: "Requests in flight at once.") var concurrency: Int = 64
    @Option(help: "Flavor name.") var flavor: String = "m1.nano"
    @Option(help: "Image name.") var image: String = DemoCluster.imageName
    @Option(help: "Server shows to time.") var shows: Int = 1000
    @Option(help: "Detail lists of all the servers to time.") var lists: Int = 10
    @Option(help: "Creates and shows timed one at a time, for unloaded latencies.") var samples: Int = 200
    @Flag(help: "Leave the servers in place.") var keep = false
    @Flag(help: "Time network, subnet and port creates (one at a time, --samples of each) instead of servers.") var networks = false
    @Flag(help: "Boot every server with a NIC on one tenant network (a /16 subnet).") var withNetwork = false
    @Flag(help: "Time volume creates, attaches to a running server, detaches and deletes (one at a time, --samples of each) instead of servers.")
    var volumes = false
    @Option(help: "Hypervisor driver: fake, or qemu for real VMs on a fresh demo cloud (boot overhead, scale, idle cost).")
    var driver: String = "fake"
    @Option(help: "With --driver qemu: the guest image directory.") var guestDir: String = DemoDriver.defaultGuestDirectory

    func validate() throws {
        guard servers >= 1, concurrency >= 1 else { throw ValidationError("--servers and --concurrency must be positive") }
    }

    func run() async throws {
        if driver == "qemu" { return volumes ? try await runQEMUVolumes() : try await runQEMU() }
        var cluster: DemoCluster? = nil
        var labCluster: LabCluster? = nil
        var stateDir: String? = nil
        if lab {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luc-lab-bench-\(getpid())").path
            stateDir = dir
            print("starting a lab: \(sites) sites × \(hostsPerSite) hosts, \(deployment), \(rttMS) ms RTT, in \(dir)")
            labCluster = try await LabCluster.start(stateDir: dir, sites: sites, hostsPerSite: hostsPerSite, controllersPerSite: 1,
                                                    rttMS: rttMS, jitterMS: 0, deployment: deployment, port: port, spawnDelayMS: 0)
        } else if demo {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luc-bench-\(getpid())").path
            stateDir = dir
            print("starting a demo cloud: \(sites) sites × \(hostsPerSite) hosts in \(dir)")
            cluster = try await DemoCluster.start(stateDir: dir, sites: sites, hostsPerSite: hostsPerSite, controllersPerSite: 1,
                                                  port: port, spawnDelayMS: 0, fresh: true)
        }
        let client = OpenStackSession.makeClient(connections: concurrency)
        do {
            let api: OpenStackSession
            var perSite: [String: OpenStackSession] = [:]
            let urls = cluster?.controllerURLs ?? labCluster?.controllerURLs
            if let urls, let first = (cluster?.configuration.sites ?? labCluster?.sites)?.first {
                for (site, list) in urls {
                    perSite[site] = try await OpenStackSession.login(
                        authURL: list[0] + "/identity/v3", user: "admin", password: DemoCluster.adminPassword, project: "admin",
                        client: client)
                }
                api = perSite[first.id]!
                if labCluster != nil { try await Bench.ensureImage(api, name: image) }
            } else {
                api = try await session.login(client: client)
            }
            var traffic: (@Sendable () async -> (wan: Int, store: Int))? = nil
            if let labCluster {
                traffic = { (labCluster.wanBytes, await labCluster.redisBytes()) }
            }
            // The demo's embedded store is readable from here: the global keyspace's commits and
            // block leases are counted around the boots (a boot should write no global key).
            var globalWrites: (@Sendable () async -> (writes: Int64, leases: Int)?)? = nil
            if let cluster, cluster.configuration.store.engine == "embedded" {
                let engine = try EmbeddedEngine(directory: URL(fileURLWithPath: cluster.configuration.store.path ?? ""))
                globalWrites = {
                    guard let writes = try? engine.committedTransactions(in: Keyspace.global),
                          let leases = try? await engine.scanAll(prefix: "netblocks/", in: Keyspace.global).count else { return nil }
                    return (writes, leases)
                }
            }
            if networks {
                try await NetworkBench(api: api, samples: samples).run()
            } else if volumes {
                let server = try await Self.bootOne(api, flavor: flavor, image: image)
                var bench = VolumeBench(api: api, samples: samples, serverID: server, guestReports: false)
                bench.imageID = try await Self.imageID(api, image)
                try await bench.run()
                _ = try await api.send(.DELETE, "compute", "/servers/\(server)")
            } else {
                try await Bench(api: api, perSite: perSite, servers: servers, concurrency: concurrency, flavorName: flavor,
                            imageName: image, shows: shows, lists: lists, samples: samples, keep: keep, withNetwork: withNetwork,
                            controllerPIDs: cluster?.supervisor.pids ?? [], traffic: traffic, globalWrites: globalWrites).run()
            }
        } catch {
            try? await client.shutdown()
            await cluster?.stop()
            await labCluster?.stop()
            throw error
        }
        try await client.shutdown()
        await cluster?.stop()
        await labCluster?.stop()
        if let stateDir { try? FileManager.default.removeItem(atPath: stateDir) }
    }
}

extension BenchCommand {
    /// Boots one server and waits until it is ACTIVE; returns its ID.
    static func imageID(_ api: OpenStackSession, _ name: String) async throws -> String {
        let images = try await api.object(.GET, "image", "/v2/images?name=\(name)")["images"] as? [[String: Any]] ?? []
        guard let id = images.first?["id"] as? String else { throw CommandError("no image \(name)") }
        return id
    }

    static func bootOne(_ api: OpenStackSession, flavor: String, image: String) async throws -> String {
        let flavors = try await api.object(.GET, "compute", "/flavors/detail")["flavors"] as? [[String: Any]] ?? []
        guard let flavorID = flavors.first(where: { $0["name"] as? String == flavor })?["id"] as? String else {
            throw CommandError("no flavor named \(flavor)")
        }
        let images = try await api.object(.GET, "image", "/v2/images?name=\(image)")["images"] as? [[String: Any]] ?? []
        guard let imageID = images.first?["id"] as? String else { throw CommandError("no image \(image)") }
        let body = try await api.object(.POST, "compute", "/servers", json: ["server": ["name": "vbench-server", "imageRef": imageID, "flavorRef": flavorID]])
        guard let id = (body["server"] as? [String: Any])?["id"] as? String else { throw CommandError("server create answered \(body)") }
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            let server = try await api.object(.GET, "compute", "/servers/\(id)")["server"] as? [String: Any]
            if server?["status"] as? String == "ACTIVE" { return id }
            if server?["status"] as? String == "ERROR" { throw CommandError("the bench's server went to ERROR") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CommandError("the bench's server did not become ACTIVE")
    }

    /// `--driver qemu --volumes`: a fresh one-site demo cloud with one QEMU host, one running
    /// guest, then `VolumeBench` with the guest's own hot-plug reports.
    func runQEMUVolumes() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luc-vbench-\(getpid())")
        print("starting a demo cloud: 1 site × 1 QEMU host in \(dir.path)")
        let cluster = try await DemoCluster.start(stateDir: dir.path, sites: 1, hostsPerSite: 1, controllersPerSite: 1,
                                                  port: port, spawnDelayMS: 0, fresh: true,
                                                  driver: try DemoDriver.named("qemu", guestDirectory: guestDir))
        let client = OpenStackSession.makeClient(connections: 8)
        var failure: (any Error)?
        do {
            let api = try await OpenStackSession.login(authURL: cluster.firstURL + "/identity/v3", user: "admin",
                                                       password: DemoCluster.adminPassword, project: "admin", client: client)
            let server = try await Self.bootOne(api, flavor: flavor, image: cluster.driver.imageName)
            // The guest is ACTIVE once ready; its hot-plug reports come from its mdev from then on.
            var bench = VolumeBench(api: api, samples: samples, serverID: server, guestReports: true)
            bench.imageID = try await Self.imageID(api, cluster.driver.imageName)
            try await bench.run()
            _ = try await api.send(.DELETE, "compute", "/servers/\(server)")
        } catch {
            failure = error
        }
        try? await client.shutdown()
        await cluster.stop()
        await QEMUDriver.killMachines(under: dir)
        if let dataPlane = cluster.dataPlane { try? await Underlay(prefix: dataPlane).removeAll() }
        if let failure { throw failure }
        try? FileManager.default.removeItem(at: dir)
    }

    /// `--driver qemu`: a fresh demo cloud of QEMU hosts, then `QEMUBench`.
    func runQEMU() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luc-qbench-\(getpid())")
        print("starting a demo cloud: \(sites) sites × \(hostsPerSite) QEMU hosts in \(dir.path)")
        let cluster = try await DemoCluster.start(stateDir: dir.path, sites: sites, hostsPerSite: hostsPerSite, controllersPerSite: 1,
                                                  port: port, spawnDelayMS: 0, fresh: true,
                                                  driver: try DemoDriver.named("qemu", guestDirectory: guestDir))
        var failure: (any Error)?
        do {
            guard case let .qemu(guest) = cluster.driver else { throw CommandError("not a qemu cloud") }
            try await QEMUBench(cluster: cluster, guestDirectory: guest, stateDirectory: dir.appendingPathComponent("hosts"),
                                servers: servers, samples: min(samples, 20), flavorName: flavor,
                                withNetwork: try networkFigures(cluster)).run()
        } catch {
            failure = error
        }
        await cluster.stop()
        await QEMUDriver.killMachines(under: dir)
        // Unlike `luc demo`, the bench keeps nothing: its hosts' namespaces go with its VMs.
        if let dataPlane = cluster.dataPlane { try? await Underlay(prefix: dataPlane).removeAll() }
        if let failure { throw failure }
        try? FileManager.default.removeItem(at: dir)
    }
}

extension BenchCommand {
    /// Whether `--with-network` figures can be taken: they need the demo's data plane (root).
    func networkFigures(_ cluster: DemoCluster) throws -> Bool {
        guard withNetwork else { return false }
        guard cluster.dataPlane != nil else { throw CommandError("--with-network with --driver qemu needs a data plane: run as root") }
        return true
    }
}

/// One benchmark run against a cloud.
struct Bench {
    let api: OpenStackSession
    /// With a demo cloud: each site's own controller, so that every boot is site-local.
    let perSite: [String: OpenStackSession]
    let servers: Int
    let concurrency: Int
    let flavorName: String
    let imageName: String
    let shows: Int
    let lists: Int
    let samples: Int
    let keep: Bool
    /// Boot with a NIC on a tenant network made for the run.
    let withNetwork: Bool
    let controllerPIDs: [Int32]
    /// With a lab: bytes that crossed the WAN and bytes the stores handled, so far.
    var traffic: (@Sendable () async -> (wan: Int, store: Int))? = nil
    /// Commits to `global` and address-block leases so far, where the store can be read.
    var globalWrites: (@Sendable () async -> (writes: Int64, leases: Int)?)? = nil

    /// Runs `count` jobs with at most `concurrency` in flight.
    func parallel(_ count: Int, _ job: @escaping @Sendable (Int) async throws -> Void) async throws {
        let next = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<min(concurrency, count) {
                group.addTask {
                    while true {
                        let i = next.increment() - 1
                        guard i < count else { return }
                        try await job(i)
                    }
                }
            }
            try await group.waitForAll()
        }
    }


    func run() async throws {
        let project = api.projectID
        try await api.send(.PUT, "compute", "/os-quota-sets/\(project)",
                           json: ["quota_set": ["instances": -1, "cores": -1, "ram": -1]])
        let flavors = try await api.object(.GET, "compute", "/flavors/detail")["flavors"] as? [[String: Any]] ?? []
        guard let flavorID = flavors.first(where: { $0["name"] as? String == flavorName })?["id"] as? String else {
            throw CommandError("no flavor named \(flavorName)")
        }
        let images = try await api.object(.GET, "image", "/v2/images?name=\(imageName)")["images"] as? [[String: Any]] ?? []
        guard let imageID = images.first?["id"] as? String else { throw CommandError("no image named \(imageName)") }
        let zones = (try await api.object(.GET, "compute", "/os-availability-zone")["availabilityZoneInfo"] as? [[String: Any]] ?? [])
            .compactMap { $0["zoneName"] as? String }
        let prefix = "bench-\(UInt32.random(in: 0...UInt32.max))"
        var networkID: String? = nil
        if withNetwork {
            _ = try await api.send(.PUT, "network", "/v2.0/quotas/\(project)", json: ["quota": ["port": -1]])
            let network = try await api.object(.POST, "network", "/v2.0/networks", json: ["network": ["name": prefix]])
            guard let id = (network["network"] as? [String: Any])?["id"] as? String else { throw CommandError("network create answered no id") }
            _ = try await api.object(.POST, "network", "/v2.0/subnets",
                                     json: ["subnet": ["network_id": id, "cidr": "10.128.0.0/16", "ip_version": 4, "name": prefix]])
            networkID = id
            print("servers boot with a NIC on network \(id) (10.128.0.0/16)")
        }
        let netID = networkID
        print("booting \(servers) servers (\(flavorName)) across \(zones.count) sites, \(concurrency) requests in flight")

        // create
        let createLatency = LatencyRecorder()
        let submitted = Mutex<[String: Date]>([:])
        let progress = ProgressBar(total: servers, label: "create")
        let trafficBefore = await traffic?()
        let globalBefore = await globalWrites?()
        let start = ContinuousClock.now
        try await parallel(servers) { i in
            let began = ContinuousClock.now, wall = Date()
            let zone = zones.isEmpty ? nil : zones[i % zones.count]
            let target = zone.flatMap { perSite[$0] } ?? api
            let body = try await target.object(.POST, "compute", "/servers", json: ["server": ([
                "name": "\(prefix)-\(i)", "flavorRef": flavorID, "imageRef": imageID, "availability_zone": zone, "networks": netID.map { [["uuid": $0]] },
            ] as [String: Any?]).compactMapValues { $0 }])
            createLatency.record(ContinuousClock.now - began)
            guard let id = (body["server"] as? [String: Any])?["id"] as? String else { throw CommandError("create answered no id") }
            let done = submitted.withLock { $0[id] = wall; return $0.count }
            if done % 50 == 0 { progress.show(done) }
        }
        progress.finish()
        let created = ContinuousClock.now - start

        // wait for ACTIVE
        let waitBar = ProgressBar(total: servers, label: "active")
        var building = servers
        while building > 0 {
            if perSite.isEmpty {
                let list = try await api.object(.GET, "compute", "/servers?status=BUILD&name=^\(prefix)-")
                building = (list["servers"] as? [[String: Any]])?.count ?? 0
            } else {
                // Each site asked through its own controller about its own zone: no cross-site reads.
                building = 0
                for (zone, session) in perSite {
                    let list = try await session.object(.GET, "compute", "/servers?status=BUILD&availability_zone=\(zone)&name=^\(prefix)-")
                    building += (list["servers"] as? [[String: Any]])?.count ?? 0
                }
            }
            waitBar.show(servers - building)
            if building > 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
        waitBar.finish()
        let allActive = ContinuousClock.now - start
        let trafficAfter = await traffic?()
        let globalAfter = await globalWrites?()

        // boot-to-ACTIVE from the servers' own launch times
        let listLatency = LatencyRecorder()
        let listStart = ContinuousClock.now
        let detail = try await api.object(.GET, "compute", "/servers/detail?name=^\(prefix)-")["servers"] as? [[String: Any]] ?? []
        listLatency.record(ContinuousClock.now - listStart)
        let launchFormat = DateFormatter()
        launchFormat.locale = Locale(identifier: "en_US_POSIX")
        launchFormat.timeZone = TimeZone(identifier: "UTC")
        launchFormat.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS"
        let bootLatency = LatencyRecorder()
        let sent = submitted.withLock { $0 }
        var statuses: [String: Int] = [:]
        for server in detail {
            statuses[server["status"] as? String ?? "?", default: 0] += 1
            if let id = server["id"] as? String, let launched = (server["OS-SRV-USG:launched_at"] as? String).flatMap(launchFormat.date),
               let began = sent[id] {
                bootLatency.record(milliseconds: launched.timeIntervalSince(began) * 1000)
            }
        }
        var sampled: [String] = []

        // unloaded latencies: one request at a time
        let createOne = LatencyRecorder(), showOne = LatencyRecorder()
        for i in 0..<samples {
            let zone = zones.isEmpty ? nil : zones[i % zones.count]
            let target = zone.flatMap { perSite[$0] } ?? api
            var began = ContinuousClock.now
            let body = try await target.object(.POST, "compute", "/servers", json: ["server": ([
                "name": "\(prefix)-s\(i)", "flavorRef": flavorID, "imageRef": imageID, "availability_zone": zone, "networks": netID.map { [["uuid": $0]] },
            ] as [String: Any?]).compactMapValues { $0 }])
            createOne.record(ContinuousClock.now - began)
            guard let id = (body["server"] as? [String: Any])?["id"] as? String else { throw CommandError("create answered no id") }
            sampled.append(id)
            began = ContinuousClock.now
            try await target.send(.GET, "compute", "/servers/\(id)")
            showOne.record(ContinuousClock.now - began)
        }

        let ids = Array(sent.keys) + sampled

        // show and list under load
        let showLatency = LatencyRecorder()
        try await parallel(shows) { _ in
            let began = ContinuousClock.now
            try await api.send(.GET, "compute", "/servers/\(ids.randomElement()!)")
            showLatency.record(ContinuousClock.now - began)
        }
        for _ in 0..<lists {
            let began = ContinuousClock.now
            try await api.send(.GET, "compute", "/servers/detail")
            listLatency.record(ContinuousClock.now - began)
        }
        let memory = controllerPIDs.compactMap(Self.rssMB)

        // delete
        var deleted: Duration = .zero
        if !keep {
            let deleteStart = ContinuousClock.now
            let deleteBar = ProgressBar(total: ids.count, label: "delete")
            let done = Counter()
            try await parallel(ids.count) { i in
                try await api.send(.DELETE, "compute", "/servers/\(ids[i])")
                let n = done.increment()
                if n % 50 == 0 { deleteBar.show(n) }
            }
            var remaining = ids.count
            while remaining > 0 {
                remaining = (try await api.object(.GET, "compute", "/servers?name=^\(prefix)-")["servers"] as? [Any])?.count ?? 0
                if remaining > 0 { try await Task.sleep(for: .milliseconds(50)) }
            }
            deleteBar.finish()
            deleted = ContinuousClock.now - deleteStart
        }

        print("""

        servers            \(servers) (\(statuses.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")))
        all ACTIVE after   \(String(format: "%.2f s", allActive.inSeconds))  →  \(String(format: "%.1f", Double(servers) / allActive.inSeconds)) servers/s (creates sent in \(String(format: "%.2f s", created.inSeconds)))
        create (\(concurrency) in flight)   \(createLatency.summary())
        boot-to-ACTIVE           \(bootLatency.summary())
        create (one at a time)   \(createOne.summary())
        show (one at a time)     \(showOne.summary())
        show (\(concurrency) in flight)     \(showLatency.summary())
        detail list (\(servers + samples) servers)  \(listLatency.summary())
        """)
        if let before = trafficBefore, let after = trafficAfter {
            let wan = after.wan - before.wan, stored = after.store - before.store
            print(String(format: "WAN during boots   %d bytes crossed sites; the stores handled %d bytes: %.1f %% cross-site", wan, stored,
                         stored > 0 ? 100 * Double(wan) / Double(stored) : 0))
        }
        if let before = globalBefore, let after = globalAfter {
            print("global writes      \(after.writes - before.writes) commits to the global keyspace during the \(servers) boots, "
                  + "\(after.leases - before.leases) of them address-block leases (the rest: sites' periodic capacity summaries)")
        }
        if !memory.isEmpty {
            print("controller RSS     " + memory.map { String(format: "%.0f MB", $0) }.joined(separator: ", "))
        }
        if !keep {
            print("deleted in         \(String(format: "%.2f s", deleted.inSeconds))  →  \(String(format: "%.1f", Double(ids.count) / deleted.inSeconds)) servers/s")
        }
    }

    /// Uploads a small public image named `name` if there is none (a fresh lab has no image).
    static func ensureImage(_ api: OpenStackSession, name: String) async throws {
        let list = try await api.object(.GET, "image", "/v2/images?name=\(name)")
        if let images = list["images"] as? [[String: Any]], !images.isEmpty { return }
        let image = try await api.object(.POST, "image", "/v2/images",
                                         json: ["name": name, "disk_format": "raw", "container_format": "bare", "visibility": "public"])
        guard let id = image["id"] as? String else { throw CommandError("image create answered without an id") }
        try await api.send(.PUT, "image", "/v2/images/\(id)/file", bytes: [UInt8](repeating: 7, count: 4096))
    }

    /// Resident memory of a process in MB, from /proc.
    static func rssMB(_ pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kb / 1024
    }
}

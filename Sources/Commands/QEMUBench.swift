import AsyncHTTPClient
import Foundation
import LUCBase
import NIOHTTP1
import QEMUDriver

/// `luc bench --driver qemu`: real VMs on a fresh demo cloud.
///  1. Driver overhead: create → ACTIVE through the API (boot to the readiness marker) against a
///     bare QEMU launch of the same guest with the same command line, alternated, same run.
///  2. Scale: `servers` VMs across the sites at once, all ACTIVE with the marker in their
///     console; idle memory and CPU per VM; then all deleted and nothing left behind.
///  3. Image traffic: bytes of image moved between sites (once per site, never again).
///  With `withNetwork` (a data plane: root), `QEMUNetworkBench` too: the scale again with NICs,
///  ACTIVE → first ping over 10 pairs, and boots with a NIC among the samples.
struct QEMUBench {
    let cluster: DemoCluster
    let guestDirectory: URL
    let stateDirectory: URL
    let servers: Int
    let samples: Int
    let flavorName: String
    var withNetwork = false

    func run() async throws {
        let client = OpenStackSession.makeClient(connections: 64)
        defer { _ = client.shutdown() }
        var sessions: [String: OpenStackSession] = [:]
        for (site, urls) in cluster.controllerURLs {
            sessions[site] = try await OpenStackSession.login(authURL: urls[0] + "/identity/v3", user: "admin",
                                                             password: DemoCluster.adminPassword, project: "admin", client: client)
        }
        let perSite = sessions
        let sites = cluster.configuration.sites.map(\.id)
        let api = perSite[sites[0]]!
        try await api.send(.PUT, "compute", "/os-quota-sets/\(api.projectID)", json: ["quota_set": ["instances": -1, "cores": -1, "ram": -1]])
        let flavors = try await api.object(.GET, "compute", "/flavors/detail")["flavors"] as? [[String: Any]] ?? []
        guard let flavor = flavors.first(where: { $0["name"] as? String == flavorName }), let flavorID = flavor["id"] as? String else {
            throw CommandError("no flavor named \(flavorName)")
        }
        let ramMB = flavor["ram"] as? Int ?? 128
        let images = try await api.object(.GET, "image", "/v2/images?name=\(cluster.driver.imageName)")["images"] as? [[String: Any]] ?? []
        guard let imageID = images.first?["id"] as? String else { throw CommandError("no image \(cluster.driver.imageName)") }
        let accelerator = accelerator()

        // 2. Scale (first: it also puts the image in every host's cache).
        print("booting \(servers) VMs (\(flavorName), \(ramMB) MiB) across \(sites.count) sites × \(cluster.hostsPerSite) hosts, \(accelerator.rawValue)")
        let start = ContinuousClock.now
        let ids = try await withThrowingTaskGroup(of: (String, String).self) { group in
            for i in 0..<servers {
                let site = sites[i % sites.count]
                group.addTask {
                    let id = try await create(perSite[site]!, name: "qbench-\(i)", image: imageID, flavor: flavorID, zone: site)
                    return (site, id)
                }
            }
            var ids: [(String, String)] = []
            for try await pair in group { ids.append(pair) }
            return ids
        }
        // One detail list per site a second (not a show per server: the poll would cost the boots CPU).
        var errors = 0
        while true {
            var active = 0
            errors = 0
            for site in sites {
                let list = try await perSite[site]!.object(.GET, "compute", "/servers/detail?name=qbench-&availability_zone=\(site)")
                for server in list["servers"] as? [[String: Any]] ?? [] {
                    switch server["status"] as? String {
                    case "ACTIVE": active += 1
                    case "ERROR": errors += 1
                    default: break
                    }
                }
            }
            if active + errors >= servers { break }
            try await Task.sleep(for: .seconds(1))
        }
        let bootAll = ContinuousClock.now - start
        var withMarker = 0
        for (site, id) in ids {
            let (_, data) = try await perSite[site]!.send(.POST, "compute", "/servers/\(id)/action", json: ["os-getConsoleOutput": ["length": 50]])
            if String(decoding: data, as: UTF8.self).contains("luc-guest: ready") { withMarker += 1 }
        }
        print(String(format: "  %d ACTIVE (%d ERROR) in %.1f s; readiness marker in %d consoles", servers - errors, errors, bootAll.inSeconds, withMarker))
        try await Task.sleep(for: .seconds(10))  // let the guests settle
        let first = BareLaunch.usage(under: stateDirectory)
        try await Task.sleep(for: .seconds(10))
        let second = BareLaunch.usage(under: stateDirectory)
        let vms = Double(max(1, second.count))
        let rss = second.values.map(\.rssMB).reduce(0, +) / vms, pss = second.values.map(\.pssMB).reduce(0, +) / vms
        let cpu = second.map { pid, now in (now.cpuSeconds - (first[pid]?.cpuSeconds ?? now.cpuSeconds)) / 10 * 100 }.reduce(0, +) / vms
        print(String(format: "  idle, per VM over %d VMs: RSS %.1f MiB, PSS %.1f MiB, CPU %.2f %% of a core", second.count, rss, pss, cpu))
        let deleteStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (site, id) in ids { group.addTask { try await deleteAndWait(perSite[site]!, id) } }
            try await group.waitForAll()
        }
        let left = BareLaunch.usage(under: stateDirectory).count
        let files = machineDirectories()
        print(String(format: "  deleted in %.1f s; QEMU processes left: %d, machine directories left: %d", (ContinuousClock.now - deleteStart).inSeconds, left, files))

        // The machine's own limit: the same number of guests launched bare, as many booting at
        // once as the driver's boot slots allow, each left running as the cloud's are.
        let inFlight = QEMUConfiguration.defaultConcurrentBoots(accelerator)
        let bareAll = try await BareLaunch.measureBatch(servers, inFlight: inFlight, guestDirectory: guestDirectory, ramMB: ramMB,
                                                        accelerator: accelerator)
        print(String(format: "  the same %d guests bare (QEMU alone, %d booting at once): all ready in %.1f s; the cloud took %.2f× that",
                     servers, inFlight, bareAll.inSeconds, bootAll.inSeconds / bareAll.inSeconds))

        var nicNetwork: String?
        if withNetwork {
            let network = QEMUNetworkBench(bench: self, sessions: perSite, sites: sites, imageID: imageID, flavorID: flavorID)
            let networks = try await network.makeNetworks(4)
            nicNetwork = networks[0]
            let nic = try await network.scale(servers, networks: networks)
            print(String(format: "  with NICs / without: ACTIVE %.0f %%, every peer reached %.0f %% of the time without NICs (%.2f× and %.2f× bare)",
                         nic.active.inSeconds / bootAll.inSeconds * 100, nic.reached.inSeconds / bootAll.inSeconds * 100,
                         nic.active.inSeconds / bareAll.inSeconds, nic.reached.inSeconds / bareAll.inSeconds))
            try await network.firstPings(10, network: networks[0])
        }

        // 1. Driver overhead, alternating API boots and bare launches.
        var api1: [Double] = [], bare: [Double] = [], nics: [Double] = []
        for i in 0..<samples {
            let site = sites[i % sites.count]
            let t0 = ContinuousClock.now
            let id = try await create(perSite[site]!, name: "qbench-seq-\(i)", image: imageID, flavor: flavorID, zone: site)
            guard try await waitActive(perSite[site]!, id, poll: .milliseconds(20)) else { throw CommandError("sample boot failed") }
            api1.append((ContinuousClock.now - t0).inSeconds)
            try await deleteAndWait(perSite[site]!, id)
            bare.append(try await BareLaunch.measure(guestDirectory: guestDirectory, ramMB: ramMB, accelerator: accelerator).inSeconds)
            if let nicNetwork {
                let t1 = ContinuousClock.now
                let id = try await create(perSite[site]!, name: "qbench-seqnic-\(i)", image: imageID, flavor: flavorID, zone: site,
                                          network: nicNetwork)
                guard try await waitActive(perSite[site]!, id, poll: .milliseconds(20)) else { throw CommandError("sample boot with a NIC failed") }
                nics.append((ContinuousClock.now - t1).inSeconds)
                try await deleteAndWait(perSite[site]!, id)
            }
        }
        let apiMedian = api1.sorted()[api1.count / 2], bareMedian = bare.sorted()[bare.count / 2]
        print(String(format: "boot to readiness marker, median of %d: through the API %.2f s, bare QEMU %.2f s (overhead %+.1f %%)",
                     samples, apiMedian, bareMedian, (apiMedian / bareMedian - 1) * 100))
        print("  API:  " + api1.map { String(format: "%.2f", $0) }.joined(separator: " "))
        print("  bare: " + bare.map { String(format: "%.2f", $0) }.joined(separator: " "))
        if !nics.isEmpty {
            let nicMedian = nics.sorted()[nics.count / 2]
            print(String(format: "boot with a NIC (wired before ACTIVE), median of %d: %.2f s, %+.1f %% against without", nics.count, nicMedian,
                         (nicMedian / apiMedian - 1) * 100))
            print("  NIC:  " + nics.map { String(format: "%.2f", $0) }.joined(separator: " "))
        }

        // 3. Image bytes between sites.
        let fetches = imageFetches()
        print("image transfers between sites: \(fetches.count) (\(fetches.reduce(0, +)) bytes) for \(servers + samples) boots at \(sites.count) sites; the image was uploaded at \(sites[0])")
    }

    func create(_ api: OpenStackSession, name: String, image: String, flavor: String, zone: String, network: String? = nil) async throws -> String {
        var server: [String: Any] = ["name": name, "imageRef": image, "flavorRef": flavor, "availability_zone": zone]
        // Explicit (2.37): with several tenant networks Nova's "pick the only one" does not apply.
        server["networks"] = network.map { [["uuid": $0]] } ?? "none"
        let body = try await api.object(.POST, "compute", "/servers", json: ["server": server], microversion: "2.37")
        guard let id = (body["server"] as? [String: Any])?["id"] as? String else { throw CommandError("create answered \(body)") }
        return id
    }

    /// Polls until ACTIVE (true) or ERROR (false).
    func waitActive(_ api: OpenStackSession, _ id: String, poll: Duration = .milliseconds(250)) async throws -> Bool {
        while true {
            let server = try await api.object(.GET, "compute", "/servers/\(id)")["server"] as? [String: Any]
            switch server?["status"] as? String {
            case "ACTIVE": return true
            case "ERROR": return false
            default: try await Task.sleep(for: poll)
            }
        }
    }

    func deleteAndWait(_ api: OpenStackSession, _ id: String) async throws {
        try await api.send(.DELETE, "compute", "/servers/\(id)", expect: 200...404)
        while try await api.send(.GET, "compute", "/servers/\(id)", expect: 200...404).0 != 404 {
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// The accelerator the hosts' agents chose (their probe's cached answer).
    func accelerator() -> QEMUConfiguration.Accelerator {
        AcceleratorProbe.cachedResult(in: stateDirectory.appendingPathComponent("accelerator.json"))?.accelerator ?? .tcg
    }

    func machineDirectories() -> Int {
        let hosts = (try? FileManager.default.contentsOfDirectory(atPath: stateDirectory.path)) ?? []
        return hosts.reduce(0) { sum, host in
            sum + ((try? FileManager.default.contentsOfDirectory(atPath: stateDirectory.appendingPathComponent("\(host)/machines").path))?.count ?? 0)
        }
    }

    /// Sizes of the image transfers between sites, from the controllers' logs.
    func imageFetches() -> [Int] {
        let logs = stateDirectory.deletingLastPathComponent().appendingPathComponent("logs")
        return ((try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []).filter { $0.hasPrefix("controller-") }
            .flatMap { name in
                ((try? String(contentsOf: logs.appendingPathComponent(name), encoding: .utf8)) ?? "").split(separator: "\n")
                    .filter { $0.contains("image fetched from site") }
                    .compactMap { line in line.split(separator: " ").first { $0.hasPrefix("bytes=") }.flatMap { Int($0.dropFirst(6)) } }
            }
    }
}

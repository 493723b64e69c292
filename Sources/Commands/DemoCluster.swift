import AsyncHTTPClient
import DataPlane
import QEMUDriver
import Foundation
import NIOCore
import NIOHTTP1

/// A cloud of real `luc` processes on this machine, used by `luc demo`, `luc bench --demo` and
/// the integration tests.
final class DemoCluster: Sendable {
    let configuration: CloudConfiguration
    let configPath: String
    let controllerURLs: [String: [String]]
    let supervisor: ProcessSupervisor
    let hostsPerSite: Int
    let driver: DemoDriver
    /// With qemu as root: the prefix of the underlay namespaces the hosts run in (nil: no data plane).
    let dataPlane: String?

    static let adminPassword = "admin"
    static let demoPassword = "demo"

    private init(configuration: CloudConfiguration, configPath: String, controllerURLs: [String: [String]],
                 supervisor: ProcessSupervisor, hostsPerSite: Int, driver: DemoDriver, dataPlane: String?) {
        self.dataPlane = dataPlane
        self.configuration = configuration
        self.configPath = configPath
        self.controllerURLs = controllerURLs
        self.supervisor = supervisor
        self.hostsPerSite = hostsPerSite
        self.driver = driver
    }

    var firstURL: String { controllerURLs[configuration.sites[0].id]![0] }

    static func start(stateDir: String, sites: Int, hostsPerSite: Int, controllersPerSite: Int, port: Int,
                      spawnDelayMS: Int, fresh: Bool, quiet: Bool = false, driver: DemoDriver = .fake) async throws -> DemoCluster {
        let root = URL(fileURLWithPath: stateDir).standardizedFileURL
        // Real VMs get a real data plane: every host a network namespace of an underlay (root only).
        let dataPlane: String? = driver.isQEMU && getuid() == 0 ? "luc\(port)" : nil
        if fresh {
            await QEMUDriver.killMachines(under: root.appendingPathComponent("hosts"))
            try? FileManager.default.removeItem(at: root)
            if let dataPlane { try await Underlay(prefix: dataPlane).removeAll() }
        }
        if let dataPlane {
            let underlay = Underlay(prefix: dataPlane)
            for site in 1...sites { for host in 1...hostsPerSite { _ = try await underlay.addHost(site: site, host: host) } }
        }
        let logs = root.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let configPath = root.appendingPathComponent("cloud.json").path
        var config: CloudConfiguration
        if FileManager.default.fileExists(atPath: configPath) {
            config = try CloudConfiguration.load(configPath)
            guard config.sites.count == sites else {
                throw CommandError("\(configPath) describes \(config.sites.count) sites, not \(sites): use --fresh or another --state-dir")
            }
        } else {
            config = CloudConfiguration(
                region: "RegionOne",
                secret: (0..<4).map { _ in UUID().uuidString }.joined().replacingOccurrences(of: "-", with: ""),
                store: .init(engine: "embedded", path: root.appendingPathComponent("store").path),
                dataPath: root.appendingPathComponent("data").path,
                sites: Array(CloudConfiguration.demoSites.prefix(sites)),
                accounts: [.init(user: "admin", password: adminPassword, project: "admin", role: "admin"),
                           .init(user: "demo", password: demoPassword, project: "demo", role: "member")])
            try config.save(configPath)
        }
        let supervisor = ProcessSupervisor(logDirectory: logs)
        var urls: [String: [String]] = [:]
        for (i, site) in config.sites.enumerated() {
            for c in 0..<controllersPerSite { urls[site.id, default: []].append("http://127.0.0.1:\(port + i + c * 10)") }
        }
        // One shared store: any controller serves every site, so requests are not forwarded;
        // image bytes are kept per site and fetched from the live controllers of the site
        // holding them (found through their leases).
        config.forwardRequests = false
        try config.save(configPath)
        for (i, site) in config.sites.enumerated() {
            for c in 0..<controllersPerSite {
                let listen = "127.0.0.1:\(port + i + c * 10)"
                try supervisor.start("controller-\(site.id)-\(c + 1)",
                                     ["controller", "--config", configPath, "--site", site.id, "--listen", listen])
                if i == 0 && c == 0 { try await waitHealthy("http://\(listen)") }  // bootstraps the store first
            }
        }
        for (i, site) in config.sites.enumerated() {
            try supervisor.start("compute-\(site.id)",
                                 ["compute", "--config", configPath, "--site", site.id, "--listen", "127.0.0.1:\(port + 100 + i)",
                                  "--hosts", String(hostsPerSite), "--spawn-delay-ms", String(spawnDelayMS),
                                  "--state-dir", root.appendingPathComponent("hosts").path]
                                     + driver.agentArguments(hosts: sites * hostsPerSite)
                                     + (dataPlane.map { ["--netns", $0, "--site-index", String(i + 1)] } ?? [])
                                     + urls[site.id]!.flatMap { ["--controller", $0] })
        }
        let cluster = DemoCluster(configuration: config, configPath: configPath, controllerURLs: urls, supervisor: supervisor,
                                  hostsPerSite: hostsPerSite, driver: driver, dataPlane: dataPlane)
        do {
            for list in urls.values { for url in list { try await waitHealthy(url) } }
            try await cluster.waitForHosts(sites * hostsPerSite)
            try await CloudSetup.ensureImage(driver, authURL: cluster.firstURL + "/identity/v3")
            if dataPlane != nil { try await CloudSetup.ensureUplinks(sites: config.sites.map(\.id), authURL: cluster.firstURL + "/identity/v3") }
            try (cluster.firstURL + "/identity/v3\n").write(to: root.appendingPathComponent("auth-url"), atomically: true, encoding: .utf8)
        } catch {
            await cluster.stop()
            throw CommandError("the demo cloud did not come up (\(error)); see the logs in \(logs.path)")
        }
        return cluster
    }

    static func waitHealthy(_ url: String, path: String = "/healthz", timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        while ContinuousClock.now < deadline {
            if let response = try? await client.execute(HTTPClientRequest(url: url + path), timeout: .seconds(2)),
               response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CommandError("\(url) did not become healthy")
    }

    func adminSession(client: HTTPClient) async throws -> OpenStackSession {
        try await OpenStackSession.login(authURL: firstURL + "/identity/v3", user: "admin", password: Self.adminPassword,
                                         project: "admin", client: client)
    }

    private func waitForHosts(_ count: Int) async throws {
        let client = OpenStackSession.makeClient()
        defer { _ = client.shutdown() }
        let session = try await adminSession(client: client)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let body = try await session.object(.GET, "compute", "/os-hypervisors")
            let up = (body["hypervisors"] as? [[String: Any]] ?? []).filter { $0["state"] as? String == "up" }.count
            if up >= count { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CommandError("only some of the \(count) hosts came up")
    }

    static let imageName = DemoDriver.fake.imageName

    func banner() -> String {
        let sites = configuration.sites.map { "\($0.id) (\(controllerURLs[$0.id]!.joined(separator: ", ")))" }
        return """
        LUC OS demo cloud is up: \(configuration.sites.count) sites × \(hostsPerSite) \(driver.hostKind), embedded store.
          sites (availability zones): \(sites.joined(separator: "; "))
          state: \(URL(fileURLWithPath: configPath).deletingLastPathComponent().path) (logs in logs/)

        Services: identity, compute (microversions 2.1-2.100), image, network (networks, subnets,
        ports, security groups, routers, floating IPs, quotas; servers get addresses and config
        drives), block storage (microversions 3.0-3.51: volumes in each site's storage, from images,
        snapshots or backups, attach/detach, extend, snapshots, boot from volume, backups kept at
        another site, quotas). No dashboard yet.
          data plane: \(dataPlaneNote)
        Use it with the openstack CLI (any controller serves every site):

          export OS_AUTH_URL=\(firstURL)/identity/v3
          export OS_USERNAME=demo OS_PASSWORD=\(Self.demoPassword) OS_PROJECT_NAME=demo
          export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=RegionOne
          openstack server create --flavor m1.tiny --image \(driver.imageName) --availability-zone \(configuration.sites.last!.id) --wait vm1
          openstack network create net1 && openstack subnet create --network net1 --subnet-range 10.0.0.0/24 subnet1
          openstack server create --flavor m1.tiny --image \(driver.imageName) --network net1 --wait vm2
          openstack volume create --size 1 vol1 && openstack server add volume vm2 vol1
          openstack server create --flavor m1.tiny --image \(driver.imageName) --boot-from-volume 1 --wait vm3
          openstack volume backup create --availability-zone \(configuration.sites.count > 1 ? configuration.sites[1].id : configuration.sites[0].id) vol1

        Administrator: OS_USERNAME=admin OS_PASSWORD=\(Self.adminPassword) OS_PROJECT_NAME=admin
        Press Ctrl-C to stop (state is kept; the next `luc demo` resumes it).\(driver.stopNote)
        """
    }

    var dataPlaneNote: String {
        if let dataPlane {
            return "each host is a network namespace \(dataPlane)-s<site>h<n> (underlay 172.31.<site>.<n>): tenant networks carry packets between VMs across hosts and sites (VXLAN), security groups are enforced (nftables), routers run on a host of their site (SNAT, floating IPs). Each site's uplink is external network public-<site> (198.18.<site>.0/24), reached from namespace \(dataPlane)-s<site>out, e.g.\n            openstack router create --external-gateway public-\(configuration.sites[0].id) r1 && openstack router add subnet r1 subnet1\n            openstack floating ip create public-\(configuration.sites[0].id)   # then: server add floating ip, and from the outside:\n            sudo ip netns exec \(dataPlane)-s1out ssh root@<floating ip>"
        }
        if driver.isQEMU { return "none: not root, so no network namespaces (VMs boot, their networks carry no traffic)" }
        return "none with simulated hosts (addresses are allocated, no packets)"
    }

    func stop() async {
        await supervisor.stopAll()
    }
}

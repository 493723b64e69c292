import AgentHTTP
import ArgumentParser
import CloudModel
import ComputeAgent
import DataPlane
import FakeHypervisorDriver
import Foundation
import Hummingbird
import HypervisorDriver
import Logging
import QEMUDriver

/// `luc compute`: a compute agent serving one host, or many simulated hosts with the fake driver.
struct ComputeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compute", abstract: "Run a compute agent.")

    @Option(help: "The cloud configuration file (for the cluster secret).") var config: String
    @Option(help: "The site of the hosts.") var site: String
    @Option(name: .customLong("controller"), help: "URL of a controller of the site (repeat for failover).")
    var controllers: [String]
    @Option(help: "Address to listen on, host:port.") var listen: String = "127.0.0.1:6000"
    @Option(help: "URL controllers reach this agent at (default: http://<listen>).") var agentURL: String?
    @Option(help: "Hypervisor driver: fake (simulated machines) or qemu (real VMs).") var driver: String = "fake"
    @Option(help: "Number of hosts this agent serves (simulated hosts with the fake driver).") var hosts: Int = 1
    @Option(help: "Host name prefix (hosts are <prefix>-h1, -h2, …; default: the site).") var hostPrefix: String?
    @Option(help: "vCPUs per host.") var vcpus: Int = 64
    @Option(help: "Memory per host in MiB.") var ramMB: Int = 262_144
    @Option(help: "Local disk per host in GiB.") var diskGB: Int = 2048
    @Option(help: "Fake driver: spawn delay in milliseconds.") var spawnDelayMS: Int = 0
    @Option(help: "Fake driver: probability (0-1) that a spawn fails.") var failureRate: Double = 0
    @Option(help: "Keep the hosts' machines here across restarts (required for qemu: <dir>/<host>/).") var stateDir: String?
    @Option(help: "qemu: accelerator, auto (probe KVM with a guest boot), kvm or tcg.") var accel: String = "auto"
    @Option(help: "qemu: directory with the guest kernel and initrd used to probe KVM (scripts/build-guest-image.sh).")
    var guestDir: String?
    @Option(help: "This host's underlay address: enables the data plane (per tenant network a bridge and a VXLAN device over this address). One host per agent.")
    var underlay: String?
    @Option(help: "With --underlay: this host's interface on the site's uplink LAN, where the site's external network is carried flat (routers with a gateway run on hosts that have one).")
    var uplinkInterface: String?
    @Option(help: "Simulate each host in a network namespace of an underlay named after this prefix (DataPlane's Underlay, root only): the host's address is 172.31.<site-index>.<n>, its QEMUs and tenant networks live there.")
    var netns: String?
    @Option(help: "With --netns: this site's index in the underlay (1-250).") var siteIndex: Int = 1
    @Option(help: "Number of this agent's first host (<prefix>-h<n>; with --netns also its namespace and address), to add hosts to a site with another agent.")
    var firstHost: Int = 1
    @Option(help: "Log level.") var logLevel: String = "notice"
    @Option(help: "Exit when this process (the demo supervisor) is gone.") var parentPID: Int32?

    func validate() throws {
        guard hosts >= 1, hosts <= 10_000 else { throw ValidationError("--hosts must be between 1 and 10000") }
        guard (1...10_000).contains(firstHost) else { throw ValidationError("--first-host must be between 1 and 10000") }
        guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be between 0 and 1") }
        if let underlay {
            guard IPv4Address(underlay) != nil else { throw ValidationError("--underlay must be an IPv4 address") }
            guard hosts == 1 else { throw ValidationError("--underlay serves one host: one data plane per host (--hosts 1)") }
            guard netns == nil else { throw ValidationError("--underlay and --netns exclude each other") }
        }
        if let uplinkInterface {
            guard underlay != nil else { throw ValidationError("--uplink-interface goes with --underlay (--netns hosts have theirs)") }
            guard !uplinkInterface.isEmpty, uplinkInterface.count <= 15, uplinkInterface.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw ValidationError("--uplink-interface must be an interface name")
            }
        }
        if let netns {
            guard !netns.isEmpty, netns.count <= 12, netns.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                throw ValidationError("--netns must be 1-12 letters, digits or dashes")
            }
            guard (1...250).contains(siteIndex), firstHost + hosts - 1 <= 250 else {
                throw ValidationError("--site-index and the hosts' numbers must be 1...250 with --netns")
            }
        }
    }

    func run() async throws {
        let cloudConfig = try CloudConfiguration.load(config)
        _ = try cloudConfig.site(site)
        let (host, port) = try parseAddress(listen)
        var logger = Logger(label: "luc.compute.\(site)")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
        let prefix = hostPrefix ?? site
        if let stateDir { try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true) }
        let http = InternalHTTP(secret: cloudConfig.secret)  // image downloads set their own timeout
        let names = (firstHost..<(firstHost + hosts)).map { "\(prefix)-h\($0)" }
        let places = try await simulatedHosts(count: hosts, logger: logger)
        var fakes: [FakeHypervisorDriver] = []
        let drivers: [any HypervisorDriver]
        switch driver {
        case "fake":
            fakes = names.enumerated().map { i, name in
                FakeHypervisorDriver(configuration: .init(spawnDelay: .milliseconds(spawnDelayMS), failureRate: failureRate,
                                                          seed: UInt64(port * 1000 + i + 1)),
                                     stateFile: stateDir.map { URL(fileURLWithPath: $0).appendingPathComponent("\(name).json") })
            }
            drivers = fakes
        case "qemu":
            guard let stateDir else { throw CommandError("the qemu driver needs --state-dir") }
            let accelerator = try await chooseAccelerator(stateDir: stateDir, logger: logger)
            var qemus: [QEMUDriver] = []
            for (i, name) in names.enumerated() {
                let configuration = QEMUConfiguration(stateDirectory: URL(fileURLWithPath: stateDir).appendingPathComponent(name),
                                                      accelerator: accelerator.accelerator, networkNamespace: places?[i].namespace)
                let qemu = try QEMUDriver(configuration: configuration, images: HTTPImageSource(http: http, controllers: controllers),
                                          logger: logger, hypervisorType: "QEMU (\(accelerator.accelerator.rawValue))")
                await qemu.recover()
                qemus.append(qemu)
            }
            drivers = qemus
        default:
            throw CommandError("unknown driver '\(driver)' (available: fake, qemu)")
        }
        let agentHosts = zip(names, drivers).enumerated().map { i, pair in
            let (name, driver) = pair
            if let place = places?[i] {
                return AgentHost(name: name, driver: driver, vcpus: vcpus, ramMB: ramMB, diskGB: diskGB, hostIP: place.address,
                                 fabric: HostFabric(namespace: place.namespace, underlay: place.address, device: place.device,
                                                    uplink: place.uplinkDevice))
            }
            return AgentHost(name: name, driver: driver, vcpus: vcpus, ramMB: ramMB, diskGB: diskGB, hostIP: underlay ?? "127.0.0.1",
                             fabric: underlay.map { HostFabric(underlay: $0, uplink: uplinkInterface) })
        }
        let agent = ComputeAgent(site: site, hosts: agentHosts,
                                 controllers: HTTPControllerClient(http: http, controllers: controllers),
                                 agentURL: agentURL ?? "http://\(listen)", logger: logger)
        let app = Application(router: AgentRoutes.router(agent: agent, secret: cloudConfig.secret),
                              configuration: .init(address: .hostname(host, port: port), serverName: "luc-compute"),
                              logger: logger)
        try await runUntilStopped(app: app, background: { await agent.run() }, parentPID: parentPID)
        for fake in fakes { await fake.save() }
        try await http.shutdown()
    }

    /// With `--netns`: the hosts' namespaces in the underlay (made if missing, adopted otherwise);
    /// nil without, or where namespaces cannot be made (not root: said, and the hosts run without
    /// a data plane).
    private func simulatedHosts(count: Int, logger: Logger) async throws -> [Underlay.Host]? {
        guard let netns else { return nil }
        guard getuid() == 0 else {
            logger.warning("--netns needs root: the hosts run without a data plane (servers boot, their networks carry no traffic)")
            print("luc compute: not root, so no network namespaces: hosts of \(site) run without a data plane")
            return nil
        }
        let underlay = Underlay(prefix: netns)
        var places: [Underlay.Host] = []
        for host in firstHost..<(firstHost + count) { places.append(try await underlay.addHost(site: siteIndex, host: host)) }
        return places
    }

    private func chooseAccelerator(stateDir: String, logger: Logger) async throws -> AcceleratorProbe.Result {
        switch accel {
        case "kvm": return .init(accelerator: .kvm, reason: "--accel kvm")
        case "tcg": return .init(accelerator: .tcg, reason: "--accel tcg")
        case "auto":
            let guest = guestDir.map { URL(fileURLWithPath: $0) }
            return await AcceleratorProbe.choose(kernel: guest?.appendingPathComponent("vmlinuz"),
                                                 initrd: guest?.appendingPathComponent("initrd.img"), marker: "luc-guest: ready",
                                                 cacheFile: URL(fileURLWithPath: stateDir).appendingPathComponent("accelerator.json"),
                                                 logger: logger)
        default: throw CommandError("--accel must be auto, kvm or tcg")
        }
    }
}

import AgentHTTP
import ArgumentParser
import ComputeAgent
import FakeHypervisorDriver
import Foundation
import Hummingbird
import HypervisorDriver
import Logging

/// `luc compute`: a compute agent serving one host, or many simulated hosts with the fake driver.
struct ComputeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compute", abstract: "Run a compute agent.")

    @Option(help: "The cloud configuration file (for the cluster secret).") var config: String
    @Option(help: "The site of the hosts.") var site: String
    @Option(name: .customLong("controller"), help: "URL of a controller of the site (repeat for failover).")
    var controllers: [String]
    @Option(help: "Address to listen on, host:port.") var listen: String = "127.0.0.1:6000"
    @Option(help: "URL controllers reach this agent at (default: http://<listen>).") var agentURL: String?
    @Option(help: "Hypervisor driver: fake.") var driver: String = "fake"
    @Option(help: "Number of hosts this agent serves (simulated hosts with the fake driver).") var hosts: Int = 1
    @Option(help: "Host name prefix (hosts are <prefix>-h1, -h2, …; default: the site).") var hostPrefix: String?
    @Option(help: "vCPUs per host.") var vcpus: Int = 64
    @Option(help: "Memory per host in MiB.") var ramMB: Int = 262_144
    @Option(help: "Local disk per host in GiB.") var diskGB: Int = 2048
    @Option(help: "Fake driver: spawn delay in milliseconds.") var spawnDelayMS: Int = 0
    @Option(help: "Fake driver: probability (0-1) that a spawn fails.") var failureRate: Double = 0
    @Option(help: "Fake driver: keep the simulated machines in this directory across restarts.") var stateDir: String?
    @Option(help: "Log level.") var logLevel: String = "notice"
    @Option(help: "Exit when this process (the demo supervisor) is gone.") var parentPID: Int32?

    func validate() throws {
        guard hosts >= 1, hosts <= 10_000 else { throw ValidationError("--hosts must be between 1 and 10000") }
        guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be between 0 and 1") }
    }

    func run() async throws {
        let cloudConfig = try CloudConfiguration.load(config)
        _ = try cloudConfig.site(site)
        let (host, port) = try parseAddress(listen)
        var logger = Logger(label: "luc.compute.\(site)")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
        guard driver == "fake" else { throw CommandError("unknown driver '\(driver)' (available: fake; qemu comes with issue 4)") }
        let prefix = hostPrefix ?? site
        if let stateDir { try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true) }
        let drivers = (1...hosts).map { i in
            FakeHypervisorDriver(configuration: .init(spawnDelay: .milliseconds(spawnDelayMS), failureRate: failureRate,
                                                      seed: UInt64(port * 1000 + i)),
                                 stateFile: stateDir.map { URL(fileURLWithPath: $0).appendingPathComponent("\(prefix)-h\(i).json") })
        }
        let agentHosts = drivers.enumerated().map { i, driver in
            AgentHost(name: "\(prefix)-h\(i + 1)", driver: driver, vcpus: vcpus, ramMB: ramMB, diskGB: diskGB)
        }
        let http = InternalHTTP(secret: cloudConfig.secret)
        let agent = ComputeAgent(site: site, hosts: agentHosts,
                                 controllers: HTTPControllerClient(http: http, controllers: controllers),
                                 agentURL: agentURL ?? "http://\(listen)", logger: logger)
        let app = Application(router: AgentRoutes.router(agent: agent, secret: cloudConfig.secret),
                              configuration: .init(address: .hostname(host, port: port), serverName: "luc-compute"),
                              logger: logger)
        try await runUntilStopped(app: app, background: { await agent.run() }, parentPID: parentPID)
        for driver in drivers { await driver.save() }
        try await http.shutdown()
    }
}

import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `luc lab`: a multi-site cloud of real processes on this machine — per site a Redis, its
/// controllers and an agent — with a user-space WAN between the sites (delay, partitions).
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab", abstract: "Run a multi-site cloud with an emulated WAN on this machine.",
        subcommands: [LabUp.self, LabPartition.self, LabCut.self, LabHeal.self, LabStatus.self, LabDown.self])
}

struct LabOptions: ParsableArguments {
    @Option(help: "Where the lab keeps its state, configurations and logs.") var stateDir: String = ".luc/lab"

    func control() throws -> String {
        let file = URL(fileURLWithPath: stateDir).appendingPathComponent("control-url")
        guard let url = try? String(contentsOf: file, encoding: .utf8) else {
            throw CommandError("no lab is running with state in \(stateDir) (start one with `luc lab up`)")
        }
        return url.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func post(_ path: String) async throws -> String {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: try control() + path)
        request.method = path == "/links" ? .GET : .POST
        let reply = try await client.execute(request, timeout: .seconds(10))
        let body = String(buffer: try await reply.body.collect(upTo: 1 << 20))
        guard reply.status == .ok else { throw CommandError("lab answered \(reply.status): \(body)") }
        return body
    }
}

struct LabUp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "up", abstract: "Start a lab and keep it running until Ctrl-C or `luc lab down`.")
    @OptionGroup var lab: LabOptions
    @Option(help: "Number of sites (2-8).") var sites: Int = 3
    @Option(help: "Simulated hosts per site.") var hostsPerSite: Int = 3
    @Option(help: "Controllers per site (1-6).") var controllersPerSite: Int = 1
    @Option(help: "Round-trip time between sites in milliseconds.") var rttMS: Int = 10
    @Option(help: "Jitter of each one-way delay, in milliseconds.") var jitterMS: Int = 0
    @Option(help: "autonomous (a Redis per site, global with replicas) or shared (one Redis for all).") var deployment: String = "autonomous"
    @Option(help: "First port; the lab uses the next 2,000.") var port: Int = 7000
    @Option(help: "Fake driver spawn delay in milliseconds.") var spawnDelayMS: Int = 0
    @Option(help: "Memory of each simulated host in MiB (small hosts make scheduling contend).") var hostRamMB: Int = 262_144
    @Option(help: "Hypervisor driver of the hosts: fake (simulated) or qemu (real VMs; as root each host is a network namespace).")
    var driver: String = "fake"
    @Option(help: "qemu: the guest image directory (scripts/build-guest-image.sh).") var guestDir: String = DemoDriver.defaultGuestDirectory

    func validate() throws {
        guard (2...8).contains(sites) else { throw ValidationError("--sites must be 2 to 8") }
        guard (1...6).contains(controllersPerSite) else { throw ValidationError("--controllers-per-site must be 1 to 6") }
        guard ["autonomous", "shared"].contains(deployment) else { throw ValidationError("--deployment is autonomous or shared") }
    }

    func run() async throws {
        let cluster = try await LabCluster.start(stateDir: lab.stateDir, sites: sites, hostsPerSite: hostsPerSite,
                                                 controllersPerSite: controllersPerSite, rttMS: rttMS, jitterMS: jitterMS,
                                                 deployment: deployment, port: port, spawnDelayMS: spawnDelayMS,
                                                 hostRamMB: hostRamMB, driver: try DemoDriver.named(driver, guestDirectory: guestDir))
        print(cluster.banner())
        fflush(nil)
        await cluster.waitUntilStopped()
        print("stopping…")
        await cluster.stop()
    }
}

struct LabPartition: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "partition", abstract: "Cut a site off from the others.")
    @OptionGroup var lab: LabOptions
    @Argument(help: "The site to isolate.") var site: String
    func run() async throws { print(try await lab.post("/partition/\(site)")) }
}

struct LabCut: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cut", abstract: "Cut the link between two sites only.")
    @OptionGroup var lab: LabOptions
    @Argument(help: "One site.") var site: String
    @Argument(help: "The other site.") var other: String
    func run() async throws { print(try await lab.post("/cut/\(site)/\(other)")) }
}

struct LabHeal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "heal", abstract: "Restore every link between sites.")
    @OptionGroup var lab: LabOptions
    func run() async throws { print(try await lab.post("/heal")) }
}

struct LabStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "links", abstract: "Show the WAN links, their state and the bytes they carried.")
    @OptionGroup var lab: LabOptions
    func run() async throws { print(try await lab.post("/links")) }
}

struct LabDown: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "down", abstract: "Stop everything the lab started.")
    @OptionGroup var lab: LabOptions
    func run() async throws { print(try await lab.post("/down")) }
}

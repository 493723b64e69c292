import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// `luc demo`: a complete cloud on this machine: one controller and one agent process per site,
/// simulated hosts (fake driver), the embedded store, an admin and a demo account, default
/// flavors and a tiny image. State persists in `--state-dir` across restarts.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Run a complete multi-site cloud on this machine.")

    @Option(help: "Where the demo keeps its configuration, store and logs.") var stateDir: String = ".luc/demo"
    @Option(help: "Number of sites (1-8).") var sites: Int = 4
    @Option(help: "Simulated hosts per site.") var hostsPerSite: Int = 3
    @Option(help: "Controllers per site.") var controllersPerSite: Int = 1
    @Option(help: "First controller port; agents use port + 100.") var port: Int = 5001
    @Option(help: "Fake driver spawn delay in milliseconds.") var spawnDelayMS: Int = 0
    @Option(help: "Hypervisor driver of the hosts: fake (simulated) or qemu (real VMs).") var driver: String = "fake"
    @Option(help: "qemu: the guest image directory (scripts/build-guest-image.sh).") var guestDir: String = DemoDriver.defaultGuestDirectory
    @Flag(help: "Start from an empty state directory (with qemu: its VMs are killed).") var fresh = false

    func validate() throws {
        guard (1...CloudConfiguration.demoSites.count).contains(sites) else { throw ValidationError("--sites must be 1 to 8") }
        guard (1...1000).contains(hostsPerSite) else { throw ValidationError("--hosts-per-site must be 1 to 1000") }
        guard (1...4).contains(controllersPerSite) else { throw ValidationError("--controllers-per-site must be 1 to 4") }
    }

    func run() async throws {
        let cluster = try await DemoCluster.start(stateDir: stateDir, sites: sites, hostsPerSite: hostsPerSite,
                                                  controllersPerSite: controllersPerSite, port: port,
                                                  spawnDelayMS: spawnDelayMS, fresh: fresh,
                                                  driver: try DemoDriver.named(driver, guestDirectory: guestDir))
        print(cluster.banner())
        fflush(nil)  // show the banner now, also when standard output is a file
        await waitForSignal()
        print("\nstopping…")
        await cluster.stop()
    }
}

/// Blocks until SIGINT or SIGTERM.
func waitForSignal() async {
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let once = OnceFlag()
        for number in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { if once.take() { continuation.resume() } }
            source.resume()
            SignalSources.keep(source)
        }
    }
}

/// Keeps signal sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    private static let lock = NSLock()
    static func keep(_ source: any DispatchSourceSignal) {
        lock.lock()
        sources.append(source)
        lock.unlock()
    }
}

/// True exactly once.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func take() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}

#if canImport(Glibc)
import Glibc
#endif

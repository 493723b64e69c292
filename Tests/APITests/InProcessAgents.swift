import AgentProtocol
import FakeHypervisorDriver
import HypervisorDriver
import Synchronization

/// Agents in the test process: the control plane's agent calls go straight to fake drivers.
/// A host can be made unreachable or slow to exercise failure handling.
final class InProcessAgents: AgentClient {
    final class Drivers: Sendable {
        let map = Mutex<[String: FakeHypervisorDriver]>([:])
    }

    private let shared: Drivers

    /// Agents over their own drivers, or over `other`'s (a second controller reaching the same hosts).
    init(sharingDriversWith other: InProcessAgents? = nil) {
        shared = other?.shared ?? Drivers()
    }
    private let unreachable = Mutex<Set<String>>([])
    /// While set, spawns wait until it is cleared (a controller "dies" mid-boot).
    let holdSpawns = Mutex(false)

    func add(host: String, driver: FakeHypervisorDriver) { shared.map.withLock { $0[host] = driver } }
    func driver(_ host: String) -> FakeHypervisorDriver? { shared.map.withLock { $0[host] } }
    func setUnreachable(_ host: String, _ value: Bool) {
        unreachable.withLock { if value { $0.insert(host) } else { $0.remove(host) } }
    }

    private func target(_ host: String) throws -> FakeHypervisorDriver {
        if unreachable.withLock({ $0.contains(host) }) { throw AgentCallError(kind: .unreachable, message: "host \(host) unreachable") }
        guard let driver = driver(host) else { throw AgentCallError(kind: .unreachable, message: "no agent for \(host)") }
        return driver
    }

    private func map<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as DriverError {
            throw AgentCallError(kind: error.code == .notFound ? .notFound : .driver, message: error.message)
        }
    }

    func spawn(_ spec: MachineSpec, host: String, at agentURL: String) async throws -> MachineInfo {
        while holdSpawns.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
        let driver = try target(host)
        return try await map { try await driver.spawn(spec) }
    }

    func perform(_ operation: MachineOperation, machine: String, host: String, at agentURL: String) async throws -> MachineInfo {
        let d = try target(host)
        return try await map {
            switch operation {
            case .stop: try await d.powerOff(machine, grace: .seconds(1))
            case .start: try await d.powerOn(machine)
            case .pause: try await d.pause(machine)
            case .unpause: try await d.unpause(machine)
            case .suspend: try await d.suspend(machine)
            case .resume: try await d.resume(machine)
            case .reboot: try await d.reboot(machine, hard: false)
            case .rebootHard: try await d.reboot(machine, hard: true)
            }
        }
    }

    func destroy(machine: String, host: String, at agentURL: String) async throws {
        let d = try target(host)
        await d.destroy(machine)
    }

    func inspect(machine: String, host: String, at agentURL: String) async throws -> MachineInfo? {
        await try target(host).inspect(machine)
    }

    func console(machine: String, lines: Int?, host: String, at agentURL: String) async throws -> String {
        let d = try target(host)
        return try await map { try await d.consoleOutput(machine, maxLines: lines) }
    }
}

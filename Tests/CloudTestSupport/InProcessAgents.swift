public import AgentProtocol
public import FakeHypervisorDriver
public import HypervisorDriver
public import Synchronization

/// Agents in the test process: the control plane's agent calls go straight to fake drivers.
/// A host can be made unreachable or slow to exercise failure handling.
public final class InProcessAgents: AgentClient {
    public final class Drivers: Sendable {
        public let map = Mutex<[String: FakeHypervisorDriver]>([:])
    }

    private let shared: Drivers

    /// Agents over their own drivers, or over `other`'s (a second controller reaching the same hosts).
    public init(sharingDriversWith other: InProcessAgents? = nil) {
        shared = other?.shared ?? Drivers()
    }
    private let unreachable = Mutex<Set<String>>([])
    /// How many agent calls this client made.
    public let calls = Mutex(0)
    /// While set, spawns wait until it is cleared (a controller "dies" mid-boot).
    public let holdSpawns = Mutex(false)
    /// Hosts whose agent has a data plane, and the networks each carries (as last wired).
    public let dataPlaneHosts = Mutex<Set<String>>([])
    public let wirings = Mutex<[String: [String: NetworkWiring]]>([:])
    /// The routers each host runs (as last wired).
    public let routers = Mutex<[String: [String: RouterWiring]]>([:])

    public func add(host: String, driver: FakeHypervisorDriver) { shared.map.withLock { $0[host] = driver } }
    public func driver(_ host: String) -> FakeHypervisorDriver? { shared.map.withLock { $0[host] } }
    public func setUnreachable(_ host: String, _ value: Bool) {
        unreachable.withLock { if value { $0.insert(host) } else { $0.remove(host) } }
    }

    private func target(_ host: String) throws -> FakeHypervisorDriver {
        calls.withLock { $0 += 1 }
        if unreachable.withLock({ $0.contains(host) }) { throw AgentCallError(kind: .unreachable, message: "host \(host) unreachable") }
        guard let driver = driver(host) else { throw AgentCallError(kind: .unreachable, message: "no agent for \(host)") }
        return driver
    }

    private func map<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as DriverError { throw AgentStatus.callError(error) }
    }

    public func spawn(_ request: SpawnRequest, host: String, at agentURL: String) async throws -> MachineInfo {
        while holdSpawns.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
        let driver = try target(host)
        return try await map { try await driver.spawn(request.machineSpec) }
    }

    public func perform(_ operation: MachineOperation, machine: String, host: String, at agentURL: String) async throws -> MachineInfo {
        let driver = try target(host)
        return try await map { try await operation.perform(on: driver, machine: machine, stopGrace: .seconds(1)) }
    }

    public func destroy(machine: String, host: String, at agentURL: String) async throws {
        let driver = try target(host)
        await driver.destroy(machine)
    }

    public func inspect(machine: String, host: String, at agentURL: String) async throws -> MachineInfo? {
        await try target(host).inspect(machine)
    }

    public func console(machine: String, lines: Int?, host: String, at agentURL: String) async throws -> String {
        let driver = try target(host)
        return try await map { try await driver.consoleOutput(machine, maxLines: lines) }
    }

    public func attach(_ disk: SpawnRequest.Disk, machine: String, host: String, at agentURL: String) async throws -> MachineInfo {
        let driver = try target(host)
        return try await map { try await driver.attachDisk(machine, disk: disk.machineDisk) }
    }

    public func detach(volume volumeID: String, machine: String, host: String, at agentURL: String) async throws -> MachineInfo {
        let driver = try target(host)
        return try await map { try await driver.detachDisk(machine, diskID: volumeID) }
    }

    public func attach(_ nic: SpawnRequest.NIC, machine: String, host: String, at agentURL: String) async throws -> MachineInfo {
        let driver = try target(host)
        return try await map { try await driver.attachPort(machine, port: nic.machinePort) }
    }

    public func detach(port portID: String, machine: String, host: String, at agentURL: String) async throws -> MachineInfo {
        let driver = try target(host)
        return try await map { try await driver.detachPort(machine, portID: portID) }
    }

    public func wire(_ wiring: NetworkWiring, network: String, host: String, at agentURL: String) async throws -> Bool {
        _ = try target(host)
        guard dataPlaneHosts.withLock({ $0.contains(host) }) else { return false }
        wirings.withLock { $0[host, default: [:]][network] = wiring }
        return true
    }

    public func unwire(network: String, host: String, at agentURL: String) async throws {
        _ = try target(host)
        wirings.withLock { $0[host] = $0[host]?.filter { RouterWiring.hostName(of: $0.key) != RouterWiring.hostName(of: network) } }
    }

    public func wire(_ wiring: RouterWiring, router: String, host: String, at agentURL: String) async throws -> Bool {
        _ = try target(host)
        guard dataPlaneHosts.withLock({ $0.contains(host) }) else { return false }
        routers.withLock { $0[host, default: [:]][router] = wiring }
        return true
    }

    public func unwire(router: String, host: String, at agentURL: String) async throws {
        _ = try target(host)
        routers.withLock { $0[host] = $0[host]?.filter { RouterWiring.hostName(of: $0.key) != RouterWiring.hostName(of: router) } }
    }

    public func networks(host: String, at agentURL: String) async throws -> [String] {
        _ = try target(host)
        return wirings.withLock { ($0[host] ?? [:]).keys.map(RouterWiring.hostName).sorted() }
    }

    public func routers(host: String, at agentURL: String) async throws -> [String] {
        _ = try target(host)
        return routers.withLock { ($0[host] ?? [:]).keys.map(RouterWiring.hostName).sorted() }
    }
}

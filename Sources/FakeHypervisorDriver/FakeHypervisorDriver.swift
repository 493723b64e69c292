import Foundation
import HypervisorDriver

/// A complete in-memory hypervisor: machines are records, operations only change their state.
///
/// Used by tests and for simulating hundreds of hosts in one process. Spawn can be slowed down
/// and made to fail at a given rate; the failure sequence is deterministic for a given seed.
public actor FakeHypervisorDriver: HypervisorDriver {
    public struct Configuration: Sendable {
        public var spawnDelay: Duration
        /// Probability in 0...1 that a spawn fails.
        public var failureRate: Double
        public var seed: UInt64

        public init(spawnDelay: Duration = .zero, failureRate: Double = 0, seed: UInt64 = 42) {
            self.spawnDelay = spawnDelay
            self.failureRate = failureRate
            self.seed = seed
        }
    }

    private struct Machine: Codable {
        var spec: MachineSpec
        var state: MachineState
        var console: [String]
    }

    private var machines: [String: Machine] = [:] {
        didSet { scheduleSave() }
    }
    private var random: UInt64
    private let configuration: Configuration
    private let stateFile: URL?
    private var saveScheduled = false
    public nonisolated let capabilities = DriverCapabilities(hypervisorType: "fake")

    /// A simulated hypervisor. With `stateFile`, its machines outlive the process (as VMs outlive
    /// an agent restart): they are loaded from the file and saved to it within a second of a change.
    public init(configuration: Configuration = Configuration(), stateFile: URL? = nil) {
        self.configuration = configuration
        self.random = configuration.seed | 1
        self.stateFile = stateFile
        if let stateFile, let data = try? Data(contentsOf: stateFile),
           let saved = try? JSONDecoder().decode([String: Machine].self, from: data) {
            machines = saved
        }
    }

    private func scheduleSave() {
        guard stateFile != nil, !saveScheduled else { return }
        saveScheduled = true
        Task {
            try? await Task.sleep(for: .seconds(1))
            self.save()
        }
    }

    /// Writes the machines to the state file now (atomically).
    public func save() {
        saveScheduled = false
        guard let stateFile, let data = try? JSONEncoder().encode(machines) else { return }
        try? data.write(to: stateFile, options: .atomic)
    }

    private func nextRandom() -> Double {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return Double(random % 1_000_000) / 1_000_000
    }

    public func spawn(_ spec: MachineSpec) async throws -> MachineInfo {
        if let existing = machines[spec.serverID] { return MachineInfo(serverID: spec.serverID, state: existing.state) }
        if configuration.spawnDelay > .zero { try await Task.sleep(for: configuration.spawnDelay) }
        if let existing = machines[spec.serverID] { return MachineInfo(serverID: spec.serverID, state: existing.state) }
        if configuration.failureRate > 0, nextRandom() < configuration.failureRate {
            throw DriverError(code: .spawnFailed, message: "fake driver: injected spawn failure")
        }
        machines[spec.serverID] = Machine(spec: spec, state: .running, console: [
            "fake-bios: booting \(spec.name)",
            "fake-kernel: \(spec.vcpus) vCPU, \(spec.ramMB) MiB",
            "login: \(spec.name) ready",
        ])
        return MachineInfo(serverID: spec.serverID, state: .running)
    }

    public func destroy(_ serverID: String) {
        machines[serverID] = nil
    }

    private func transition(_ serverID: String, from allowed: Set<MachineState>, to state: MachineState,
                            log: String) throws -> MachineInfo {
        guard var machine = machines[serverID] else {
            throw DriverError(code: .notFound, message: "no machine \(serverID) on this host")
        }
        if machine.state != state {
            guard allowed.contains(machine.state) else {
                throw DriverError(code: .invalidState, message: "machine \(serverID) is \(machine.state.rawValue)")
            }
            machine.state = state
            machine.console.append(log)
            machines[serverID] = machine
        }
        return MachineInfo(serverID: serverID, state: state)
    }

    public func powerOff(_ serverID: String, grace: Duration) throws -> MachineInfo {
        try transition(serverID, from: [.running, .paused, .suspended, .crashed], to: .shutdown, log: "reboot: Power down")
    }

    public func powerOn(_ serverID: String) throws -> MachineInfo {
        try transition(serverID, from: [.shutdown, .crashed], to: .running, log: "fake-bios: booting")
    }

    public func reboot(_ serverID: String, hard: Bool) throws -> MachineInfo {
        guard var machine = machines[serverID] else {
            throw DriverError(code: .notFound, message: "no machine \(serverID) on this host")
        }
        machine.state = .running
        machine.console.append(hard ? "fake-bios: reset" : "reboot: Restarting system")
        machines[serverID] = machine
        return MachineInfo(serverID: serverID, state: .running)
    }

    public func pause(_ serverID: String) throws -> MachineInfo {
        try transition(serverID, from: [.running], to: .paused, log: "fake: paused")
    }

    public func unpause(_ serverID: String) throws -> MachineInfo {
        try transition(serverID, from: [.paused], to: .running, log: "fake: unpaused")
    }

    public func suspend(_ serverID: String) throws -> MachineInfo {
        try transition(serverID, from: [.running, .paused], to: .suspended, log: "PM: suspend entry")
    }

    public func resume(_ serverID: String) throws -> MachineInfo {
        try transition(serverID, from: [.suspended], to: .running, log: "PM: resume")
    }

    public func consoleOutput(_ serverID: String, maxLines: Int?) throws -> String {
        guard let machine = machines[serverID] else {
            throw DriverError(code: .notFound, message: "no machine \(serverID) on this host")
        }
        let lines = maxLines.map { Array(machine.console.suffix(max(0, $0))) } ?? machine.console
        return lines.joined(separator: "\n")
    }

    public func inspect(_ serverID: String) -> MachineInfo? {
        machines[serverID].map { MachineInfo(serverID: serverID, state: $0.state) }
    }

    public func list() -> [MachineInfo] {
        machines.map { MachineInfo(serverID: $0.key, state: $0.value.state) }.sorted { $0.serverID < $1.serverID }
    }

    /// Test hook: a machine that vanished behind the agent's back (as a killed QEMU process would).
    public func simulateVanish(_ serverID: String) {
        machines[serverID] = nil
    }

    /// Test hook: a machine the agent does not know about (an orphan).
    public func simulateOrphan(_ serverID: String) {
        machines[serverID] = Machine(spec: MachineSpec(serverID: serverID, name: "orphan", vcpus: 1, ramMB: 64,
                                                       diskGB: 1, imageID: ""), state: .running, console: [])
    }
}

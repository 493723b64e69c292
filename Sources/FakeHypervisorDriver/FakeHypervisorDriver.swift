public import Foundation
public import HypervisorDriver

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

    /// A simulated machine, as kept in the state file.
    private struct Machine: Codable {
        var name: String
        var state: MachineState
        var console: [String]
        var disks: [String]
        /// The NICs as the spawn request and hot-plugs gave them.
        var ports: [MachinePort]

        init(name: String, state: MachineState, console: [String], disks: [String] = [], ports: [MachinePort] = []) {
            self.name = name
            self.state = state
            self.console = console
            self.disks = disks
            self.ports = ports
        }

        private enum CodingKeys: String, CodingKey { case name, state, console, disks, ports }

        /// State files written before disks or ports existed hold machines without them.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(name: try c.decodeIfPresent(String.self, forKey: .name) ?? "vm", state: try c.decode(MachineState.self, forKey: .state),
                      console: try c.decode([String].self, forKey: .console),
                      disks: try c.decodeIfPresent([String].self, forKey: .disks) ?? [],
                      ports: try c.decodeIfPresent([MachinePort].self, forKey: .ports) ?? [])
        }

        func info(_ id: String) -> MachineInfo { MachineInfo(serverID: id, state: state, disks: disks, ports: ports.map(\.id)) }
    }

    private var machines: [String: Machine] = [:]
    /// Each machine's JSON as last saved, and the machines changed since: a save re-encodes only
    /// those (a host with hundreds of machines does not re-encode them all every second).
    private var saved: [String: Data] = [:]
    private var changed: Set<String> = []
    private var random: UInt64
    private let configuration: Configuration
    private let stateFile: URL?
    private var saveScheduled = false
    public nonisolated let capabilities = DriverCapabilities(hypervisorType: "fake")
    /// Disks a machine can have besides its image (as the QEMU driver's hot-plug ports).
    static let diskSlots = 4
    /// Network interfaces a machine can have (as the QEMU driver's NIC root ports).
    static let portSlots = 8

    /// A simulated hypervisor. With `stateFile`, its machines outlive the process (as VMs outlive
    /// an agent restart): they are loaded from the file and saved to it within a second of a change.
    public init(configuration: Configuration = Configuration(), stateFile: URL? = nil) {
        self.configuration = configuration
        self.random = configuration.seed | 1
        self.stateFile = stateFile
        if let stateFile, let data = try? Data(contentsOf: stateFile),
           let loaded = try? JSONDecoder().decode([String: Machine].self, from: data) {
            machines = loaded
            changed = Set(loaded.keys)  // encoded again at the first save
        }
    }

    /// Changes machine `id` (nil: removes it) and schedules a save.
    private func put(_ machine: Machine?, for id: String) {
        machines[id] = machine
        changed.insert(id)
        scheduleSave()
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
        guard let stateFile else { return }
        let encoder = JSONEncoder()
        for id in changed {
            saved[id] = machines[id].flatMap { try? encoder.encode($0) }
        }
        changed = []
        // The same JSON object `[id: machine]` as encoding the whole dictionary gives.
        var data = Data("{".utf8)
        for (index, (id, machine)) in saved.enumerated() {
            if index > 0 { data.append(UInt8(ascii: ",")) }
            guard let key = try? encoder.encode(id) else { continue }
            data.append(key)
            data.append(UInt8(ascii: ":"))
            data.append(machine)
        }
        data.append(UInt8(ascii: "}"))
        try? data.write(to: stateFile, options: .atomic)
    }

    private func nextRandom() -> Double {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return Double(random % 1_000_000) / 1_000_000
    }

    public func spawn(_ spec: MachineSpec) async throws -> MachineInfo {
        if let existing = machines[spec.serverID] { return existing.info(spec.serverID) }
        if configuration.spawnDelay > .zero { try await Task.sleep(for: configuration.spawnDelay) }
        if let existing = machines[spec.serverID] { return existing.info(spec.serverID) }
        if configuration.failureRate > 0, nextRandom() < configuration.failureRate {
            throw DriverError(code: .spawnFailed, message: "fake driver: injected spawn failure")
        }
        let machine = Machine(name: spec.name, state: .running, console: FakeBootLog.lines(for: spec), disks: spec.disks.map(\.id),
                              ports: spec.ports)
        put(machine, for: spec.serverID)
        return machine.info(spec.serverID)
    }

    public func destroy(_ serverID: String) {
        put(nil, for: serverID)
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
            put(machine, for: serverID)
        }
        return machine.info(serverID)
    }

    public func stop(_ serverID: String, grace: Duration) throws -> MachineInfo {
        try transition(serverID, from: [.running, .paused, .suspended, .crashed], to: .shutdown, log: "reboot: Power down")
    }

    public func start(_ serverID: String) throws -> MachineInfo {
        try transition(serverID, from: [.shutdown, .crashed], to: .running, log: "fake-bios: booting")
    }

    public func reboot(_ serverID: String, hard: Bool) throws -> MachineInfo {
        guard var machine = machines[serverID] else {
            throw DriverError(code: .notFound, message: "no machine \(serverID) on this host")
        }
        machine.state = .running
        machine.console.append(hard ? "fake-bios: reset" : "reboot: Restarting system")
        put(machine, for: serverID)
        return machine.info(serverID)
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

    public func injectNMI(_ serverID: String) throws -> MachineInfo {
        guard var machine = machines[serverID] else {
            throw DriverError(code: .notFound, message: "no machine \(serverID) on this host")
        }
        guard machine.state == .running || machine.state == .paused else {
            throw DriverError(code: .invalidState, message: "machine \(serverID) is \(machine.state.rawValue)")
        }
        machine.console.append("Kernel panic - not syncing: NMI: Not continuing")
        put(machine, for: serverID)
        return machine.info(serverID)
    }

    public func attachDisk(_ serverID: String, disk: MachineDisk) throws -> MachineInfo {
        guard var machine = machines[serverID] else {
            throw DriverError(code: .notFound, message: "no machine \(serverID) on this host")
        }
        if !machine.disks.contains(disk.id) {
            guard machine.disks.count < Self.diskSlots else {
                throw DriverError(code: .invalidState, message: "machine \(serverID) has no free disk slot")
            }
            machine.disks.append(disk.id)
            if machine.state == .running { machine.console.append("fake-kernel: disk \(disk.id) added") }
            put(machine, for: serverID)
        }
        return machine.info(serverID)
    }

    public func detachDisk(_ serverID: String, diskID: String) throws -> MachineInfo {
        guard var machine = machines[serverID] else {
            throw DriverError(code: .notFound, message: "no machine \(serverID) on this host")
        }
        if machine.disks.contains(diskID) {
            machine.disks.removeAll { $0 == diskID }
            if machine.state == .running { machine.console.append("fake-kernel: disk \(diskID) removed") }
            put(machine, for: serverID)
        }
        return machine.info(serverID)
    }

    public func attachPort(_ serverID: String, port: MachinePort) throws -> MachineInfo {
        guard var machine = machines[serverID] else {
            throw DriverError(code: .notFound, message: "no machine \(serverID) on this host")
        }
        if !machine.ports.contains(where: { $0.id == port.id }) {
            guard machine.ports.count < Self.portSlots else {
                throw DriverError(code: .invalidState, message: "machine \(serverID) has no free network slot")
            }
            machine.ports.append(port)
            if machine.state == .running {
                machine.console.append("eth\(machine.ports.count - 1): link up, address \(port.address ?? "none") (mac \(port.mac))")
            }
            put(machine, for: serverID)
        }
        return machine.info(serverID)
    }

    public func detachPort(_ serverID: String, portID: String) throws -> MachineInfo {
        guard var machine = machines[serverID] else {
            throw DriverError(code: .notFound, message: "no machine \(serverID) on this host")
        }
        if let index = machine.ports.firstIndex(where: { $0.id == portID }) {
            let port = machine.ports.remove(at: index)
            if machine.state == .running { machine.console.append("fake-kernel: interface \(port.mac) removed") }
            put(machine, for: serverID)
        }
        return machine.info(serverID)
    }

    /// The NICs of a machine as the driver was given them (for tests).
    public func ports(of serverID: String) -> [MachinePort]? {
        machines[serverID]?.ports
    }

    public func consoleOutput(_ serverID: String, maxLines: Int?) throws -> String {
        guard let machine = machines[serverID] else {
            throw DriverError(code: .notFound, message: "no machine \(serverID) on this host")
        }
        let lines = maxLines.map { Array(machine.console.suffix(max(0, $0))) } ?? machine.console
        return lines.joined(separator: "\n")
    }

    public func inspect(_ serverID: String) -> MachineInfo? {
        machines[serverID]?.info(serverID)
    }

    public func list() -> [MachineInfo] {
        machines.map { $0.value.info($0.key) }.sorted { $0.serverID < $1.serverID }
    }

    /// Test hook: a machine that vanished behind the agent's back (as a killed QEMU process would).
    public func simulateVanish(_ serverID: String) {
        put(nil, for: serverID)
    }

    /// Test hook: a machine the agent does not know about (an orphan).
    public func simulateOrphan(_ serverID: String) {
        put(Machine(name: "orphan", state: .running, console: []), for: serverID)
    }
}

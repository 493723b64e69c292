/// The power state of a machine as its hypervisor sees it.
public enum MachineState: String, Sendable, Hashable, Codable {
    case running, paused, suspended, shutdown, crashed
}

/// What a driver reports about one machine.
public struct MachineInfo: Sendable, Hashable, Codable {
    public var serverID: String
    public var state: MachineState
    /// IDs of the disks attached besides the image (`MachineDisk.id`), in attachment order.
    public var disks: [String]
    /// IDs of the machine's network interfaces (`MachinePort.id`), in guest order.
    public var ports: [String]

    public init(serverID: String, state: MachineState, disks: [String] = [], ports: [String] = []) {
        self.serverID = serverID
        self.state = state
        self.disks = disks
        self.ports = ports
    }

    private enum CodingKeys: String, CodingKey { case serverID, state, disks, ports }

    /// Reads reports of agents older than `disks` or `ports` as machines without them.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(serverID: try c.decode(String.self, forKey: .serverID), state: try c.decode(MachineState.self, forKey: .state),
                  disks: try c.decodeIfPresent([String].self, forKey: .disks) ?? [],
                  ports: try c.decodeIfPresent([String].self, forKey: .ports) ?? [])
    }
}

/// What a driver can do, as plain fields (not a dictionary of flags).
public struct DriverCapabilities: Sendable, Hashable, Codable {
    public var hypervisorType: String
    public var supportsSuspend: Bool
    public var supportsPause: Bool

    public init(hypervisorType: String, supportsSuspend: Bool = true, supportsPause: Bool = true) {
        self.hypervisorType = hypervisorType
        self.supportsSuspend = supportsSuspend
        self.supportsPause = supportsPause
    }
}

/// The power state of a machine as its hypervisor sees it.
public enum MachineState: String, Sendable, Hashable, Codable {
    case running, paused, suspended, shutdown, crashed
}

/// What a driver reports about one machine.
public struct MachineInfo: Sendable, Hashable, Codable {
    public var serverID: String
    public var state: MachineState

    public init(serverID: String, state: MachineState) {
        self.serverID = serverID
        self.state = state
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

/// The stable state of a server (Nova's `vm_state`).
public enum VMState: String, Sendable, Hashable, Codable, CaseIterable {
    case building, active, stopped, paused, suspended, error, deleted
}

/// The operation in progress on a server (Nova's `task_state`); absent when idle.
public enum TaskState: String, Sendable, Hashable, Codable, CaseIterable {
    case scheduling
    case spawning
    case stopping = "powering-off"
    case starting = "powering-on"
    case pausing, unpausing, suspending, resuming
    case rebooting
    case rebootingHard = "rebooting_hard"
    case deleting
}

/// What the hypervisor reports (Nova's integer `power_state`).
public enum PowerState: Int, Sendable, Hashable, Codable {
    case noState = 0
    case running = 1
    case paused = 3
    case shutdown = 4
    case crashed = 6
    case suspended = 7
}

/// The status users see, derived from the vm and task states as Nova does.
public enum ServerStatus: String, Sendable, Hashable, CaseIterable {
    case build = "BUILD", active = "ACTIVE", shutoff = "SHUTOFF", paused = "PAUSED"
    case suspended = "SUSPENDED", reboot = "REBOOT", hardReboot = "HARD_REBOOT", error = "ERROR"
    case deleted = "DELETED", unknown = "UNKNOWN"

    public init(vmState: VMState, taskState: TaskState?) {
        switch vmState {
        case .building: self = .build
        case .active:
            switch taskState {
            case .rebooting: self = .reboot
            case .rebootingHard: self = .hardReboot
            default: self = .active
            }
        case .stopped: self = .shutoff
        case .paused: self = .paused
        case .suspended: self = .suspended
        case .error: self = .error
        case .deleted: self = .deleted
        }
    }
}

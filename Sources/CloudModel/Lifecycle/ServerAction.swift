/// A user request that changes a server's state.
public enum ServerAction: Sendable, Hashable {
    case stop, start, pause, unpause, suspend, resume
    case reboot(hard: Bool)
    case delete

    /// The name Nova uses in instance actions and error messages.
    public var name: String {
        switch self {
        case .stop: "stop"
        case .start: "start"
        case .pause: "pause"
        case .unpause: "unpause"
        case .suspend: "suspend"
        case .resume: "resume"
        case .reboot: "reboot"
        case .delete: "delete"
        }
    }
}

/// Why the lifecycle refused an action: a value, turned into a 409 at the API edge.
public enum LifecycleRefusal: Sendable, Hashable, Error {
    /// The action is not allowed from this vm state.
    case invalidState(action: String, vmState: VMState)
    /// Another operation is in progress.
    case busy(action: String, taskState: TaskState)

    public var message: String {
        switch self {
        case let .invalidState(action, vmState):
            "Cannot '\(action)' instance while it is in vm_state \(vmState.rawValue)"
        case let .busy(action, taskState):
            "Cannot '\(action)' instance while it is in task_state \(taskState.rawValue)"
        }
    }
}

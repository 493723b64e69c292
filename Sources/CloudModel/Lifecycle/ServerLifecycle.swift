/// The server state machine: which actions are allowed from which states, and where they lead.
///
/// Pure: it neither stores nor calls anything. The control plane asks `begin` before it writes a
/// task state, and `completion` when the agent reports the task done.
public enum ServerLifecycle {
    /// The task state an action starts from the given states, or why it is refused.
    public static func begin(_ action: ServerAction, vmState: VMState, taskState: TaskState?)
        -> Result<TaskState, LifecycleRefusal>
    {
        if action == .delete {
            return taskState == .deleting ? .failure(.busy(action: "delete", taskState: .deleting)) : .success(.deleting)
        }
        if let taskState { return .failure(.busy(action: action.name, taskState: taskState)) }
        let allowed: Set<VMState>
        let task: TaskState
        switch action {
        case .stop: (allowed, task) = ([.active, .error], .poweringOff)
        case .start: (allowed, task) = ([.stopped], .poweringOn)
        case .pause: (allowed, task) = ([.active], .pausing)
        case .unpause: (allowed, task) = ([.paused], .unpausing)
        case .suspend: (allowed, task) = ([.active], .suspending)
        case .resume: (allowed, task) = ([.suspended], .resuming)
        case .reboot(hard: false): (allowed, task) = ([.active], .rebooting)
        case .reboot(hard: true): (allowed, task) = ([.active, .stopped, .paused, .suspended, .error], .rebootingHard)
        case .delete: fatalError("handled above")
        }
        guard allowed.contains(vmState) else { return .failure(.invalidState(action: action.name, vmState: vmState)) }
        return .success(task)
    }

    /// The stable state a server reaches when `task` completes successfully.
    public static func completion(of task: TaskState) -> (VMState, PowerState) {
        switch task {
        case .scheduling, .spawning, .poweringOn, .unpausing, .resuming, .rebooting, .rebootingHard:
            (.active, .running)
        case .poweringOff: (.stopped, .shutdown)
        case .pausing: (.paused, .paused)
        case .suspending: (.suspended, .suspended)
        case .deleting: (.deleted, .noState)
        }
    }

    /// The state a server is left in when `task` fails on its host: a failed boot is an error,
    /// a failed power operation leaves the server where it was.
    public static func failure(of task: TaskState, from vmState: VMState) -> VMState {
        switch task {
        case .scheduling, .spawning: .error
        default: vmState
        }
    }
}

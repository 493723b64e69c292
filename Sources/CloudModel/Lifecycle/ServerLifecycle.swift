public import Foundation

/// The server state machine: which actions are allowed from which states, and every field an
/// event changes (state, task, owner, deadline, host, fault, times).
///
/// Pure: it neither stores nor calls anything. The control plane asks it and commits what it
/// returns; nothing else writes a server's task fields.
public enum ServerLifecycle {
    /// A new server in `BUILD`/`scheduling`, owned by `owner` until `deadline`.
    public static func boot(_ server: Server, owner: String, deadline: Date) -> Server {
        var server = server
        server.vmState = .building
        server.taskState = .scheduling
        server.taskOwner = owner
        server.taskDeadline = deadline
        return server
    }

    /// The task state an action starts from the given states, or why it is refused.
    public static func task(for action: ServerAction, vmState: VMState, taskState: TaskState?)
        -> Result<TaskState, LifecycleRefusal>
    {
        let allowed: Set<VMState>
        let task: TaskState
        switch action {
        case .delete:
            return taskState == .deleting ? .failure(.busy(action: "delete", taskState: .deleting)) : .success(.deleting)
        case .stop: (allowed, task) = ([.active, .error], .stopping)
        case .start: (allowed, task) = ([.stopped], .starting)
        case .pause: (allowed, task) = ([.active], .pausing)
        case .unpause: (allowed, task) = ([.paused], .unpausing)
        case .suspend: (allowed, task) = ([.active], .suspending)
        case .resume: (allowed, task) = ([.suspended], .resuming)
        case .reboot(hard: false): (allowed, task) = ([.active], .rebooting)
        case .reboot(hard: true): (allowed, task) = ([.active, .stopped, .paused, .suspended, .error], .rebootingHard)
        }
        if let taskState { return .failure(.busy(action: action.name, taskState: taskState)) }
        guard allowed.contains(vmState) else { return .failure(.invalidState(action: action.name, vmState: vmState)) }
        return .success(task)
    }

    /// Starts `action` on `server` for request `requestID`, driven by `owner` until `deadline`,
    /// or says why it is refused.
    public static func begin(_ action: ServerAction, on server: Server, requestID: String, owner: String, deadline: Date,
                             now: Date) -> Result<Server, LifecycleRefusal> {
        task(for: action, vmState: server.vmState, taskState: server.taskState).map { task in
            var server = server
            server.taskState = task
            server.taskOwner = owner
            server.taskDeadline = deadline
            server.requestID = requestID
            server.updatedAt = now
            return server
        }
    }

    /// The stable state a server reaches when `task` completes successfully.
    public static func completion(of task: TaskState) -> (VMState, PowerState) {
        switch task {
        case .scheduling, .spawning, .starting, .unpausing, .resuming, .rebooting, .rebootingHard:
            (.active, .running)
        case .stopping: (.stopped, .shutdown)
        case .pausing: (.paused, .paused)
        case .suspending: (.suspended, .suspended)
        case .deleting: (.deleted, .noState)
        }
    }

    /// Everything `event` changes on `server` at `now`.
    public static func apply(_ event: TaskEvent, to server: Server, now: Date) -> ServerTransition {
        var next = server
        next.updatedAt = now
        switch event {
        case let .adopted(owner, deadline):
            next.taskOwner = owner
            next.taskDeadline = deadline
            next.updatedAt = server.updatedAt
            return ServerTransition(server: next)

        case let .placed(hostID, hostName, deadline):
            next.hostID = hostID
            next.hostName = hostName
            next.taskState = .spawning
            next.taskDeadline = deadline
            return ServerTransition(server: next)

        case let .noValidHost(reason):
            // After failed spawns, say why the hosts tried failed, not only that none is left.
            let last = server.fault.map { " Last error: \($0.message)" } ?? ""
            return fail(next, message: "No valid host was found. \(reason)\(last)", now: now)

        case let .buildAborted(reason):
            let released = server.hostID
            next.hostID = nil
            next.hostName = nil
            var failed = fail(next, message: "Build of instance \(server.id) aborted: \(reason)", now: now)
            failed.releasedClaim = released
            return failed

        case let .spawnFailed(message, maxAttempts):
            let released = server.hostID
            if let released { next.triedHosts.append(released) }
            next.hostID = nil
            next.hostName = nil
            if next.triedHosts.count >= maxAttempts {
                var failed = fail(next, message: "Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance \(server.id). Last error: \(message)", now: now)
                failed.releasedClaim = released
                return failed
            }
            next.taskState = .scheduling
            next.fault = Fault(code: 500, message: message, created: now)  // shown only if it ends in ERROR
            return ServerTransition(server: next, releasedClaim: released)

        case let .completed(power):
            guard let task = server.taskState else { return ServerTransition(server: server) }
            if task == .deleting {
                next.vmState = .deleted
                next.taskState = nil
                next.terminatedAt = now
                return ServerTransition(server: nil, releasedClaim: server.hostID, action: .success, usage: Usage() - server.usage)
            }
            let (vmState, _) = completion(of: task)
            next.vmState = vmState
            next.powerState = power
            idle(&next)
            if task == .spawning {
                next.launchedAt = now
                next.fault = nil
            }
            return ServerTransition(server: next, action: .success)

        case let .operationFailed(message):
            idle(&next)
            return ServerTransition(server: next, action: .error(message))

        case let .machineVanished(host):
            next.vmState = .error
            next.powerState = .noState
            next.fault = Fault(code: 500, message: "The virtual machine disappeared from host \(host).", created: now)
            return ServerTransition(server: next)

        case let .machineFound(power):
            switch (server.vmState, power) {
            case (.active, .shutdown), (.active, .crashed), (.paused, .shutdown), (.paused, .crashed):
                next.vmState = .stopped
                next.powerState = power
                return ServerTransition(server: next)
            default:
                return ServerTransition(server: server)
            }
        }
    }

    private static func idle(_ server: inout Server) {
        server.taskState = nil
        server.taskOwner = nil
        server.taskDeadline = nil
    }

    private static func fail(_ server: Server, message: String, now: Date) -> ServerTransition {
        var server = server
        server.vmState = .error
        idle(&server)
        server.fault = Fault(code: 500, message: message, created: now)
        return ServerTransition(server: server, action: .error(message))
    }
}

import AgentProtocol
import CloudModel
import Foundation
import HypervisorDriver
import Logging
import StateStore

/// Drives servers through their tasks: scheduling, spawning, power operations and deletion.
///
/// `drive` is idempotent and restartable: each step reads the server, does one thing, and
/// records the outcome with compare-and-set. So the same loop serves fresh requests and the
/// recovery of tasks whose controller died (see `recoverOrphans`).
public final class ServerTasks: Sendable {
    let store: Store
    let configuration: ControllerConfiguration
    public let agents: any AgentClient
    public let schedulers: SchedulerPool
    let logger: Logger
    let registry = DriveRegistry()
    /// At most this many spawns are attempted per server (Nova's `max_attempts`).
    static let maxAttempts = 3

    public init(store: Store, configuration: ControllerConfiguration, agents: any AgentClient, schedulers: SchedulerPool,
                logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.agents = agents
        self.schedulers = schedulers
        self.logger = logger
    }

    var me: String { configuration.controllerID }

    /// Makes sure a loop is driving `id` (owned by this controller) until it is idle.
    public func drive(_ id: Server.ID, site: Site.ID) {
        Task { await self.run(id, site: site) }
    }

    func run(_ id: Server.ID, site: Site.ID) async {
        guard await registry.begin(id) else { return }
        repeat {
            var failures = 0
            while true {
                do {
                    if try await advance(id, site: site) { break }
                } catch let error as StoreError where error.code == .conflict {
                    continue
                } catch {
                    failures += 1
                    logger.warning("task step failed", metadata: ["server.id": "\(id)", "error": "\(error)"])
                    if failures >= 5 { break }  // the deadline passes and recovery retries later
                    try? await Task.sleep(for: .milliseconds(200 * failures))
                }
            }
        } while await registry.finish(id)
    }

    /// Performs the next step of the server's task. True when there is nothing more to do now.
    func advance(_ id: Server.ID, site: Site.ID) async throws -> Bool {
        guard let current = try await store.servers(site).find(id),
              let task = current.value.taskState, current.value.taskOwner == me
        else { return true }
        switch task {
        case .scheduling: try await schedule(current)
        case .spawning: try await spawn(current)
        case .deleting: try await delete(current)
        default: try await operate(current, task: task)
        }
        return false
    }

    private func deadline(_ duration: Duration) -> Date { Date().addingTimeInterval(duration.timeInterval) }

    // MARK: steps

    private func schedule(_ current: Versioned<Server>) async throws {
        let scheduler = await schedulers.scheduler(for: current.value.site)
        switch try await scheduler.place(current, deadline: deadline(configuration.bootDeadline)) {
        case .placed, .serverChanged: return
        case let .noValidHost(reason):
            // After failed spawns, say why the hosts tried failed, not only that none is left.
            let last = current.value.fault.map { " Last error: \($0.message)" } ?? ""
            try await finishWithError(current, message: "No valid host was found. \(reason)\(last)", releasing: nil)
        }
    }

    private func spawn(_ current: Versioned<Server>) async throws {
        let server = current.value
        guard let hostID = server.hostID, let host = try await store.hosts(server.site).find(hostID)?.value else {
            return try await reschedule(current, after: "host of the server is not registered")
        }
        var key: String? = nil
        if let name = server.keyName { key = try await store.keypairs.find(user: server.userID, name: name)?.value.publicKey }
        let request = SpawnRequest(serverID: server.id, name: server.name, vcpus: server.flavor.vcpus,
                                   ramMB: server.flavor.ramMB, diskGB: server.flavor.diskGB, imageID: server.imageID,
                                   userData: server.userData, publicKey: key)
        let info: MachineInfo
        do {
            info = try await agents.spawn(request, host: host.id, at: host.agentURL)
        } catch {
            logger.info("spawn failed", metadata: ["server.id": "\(server.id)", "host.id": "\(host.id)", "error": "\(error)"])
            return try await reschedule(current, after: "\(error)")
        }
        try await complete(current, task: .spawning, machine: info)
    }

    /// Releases the server's claim and sends it back to scheduling, or to ERROR after the last attempt.
    private func reschedule(_ current: Versioned<Server>, after failure: String) async throws {
        var server = current.value
        let site = server.site
        var txn = Transaction()
        if let hostID = server.hostID {
            server.triedHosts.append(hostID)
            try await stageRelease(server.id, on: hostID, site: site, into: &txn)
        }
        server.hostID = nil
        server.hostName = nil
        server.updatedAt = Date()
        if server.triedHosts.count >= Self.maxAttempts {
            server.taskState = nil
            server.vmState = .error
            server.taskOwner = nil
            server.taskDeadline = nil
            server.fault = Fault(code: 500, message: "Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance \(server.id). Last error: \(failure)", created: Date())
            try await stageFinishAction(server, result: "Error", message: server.fault?.message, into: &txn)
        } else {
            server.taskState = .scheduling
            server.fault = Fault(code: 500, message: failure, created: Date())  // shown only if it ends in ERROR
        }
        store.servers(site).stageUpdate(server, from: current, into: &txn)
        try await store.commit(txn, in: .site(site))
        await schedulers.scheduler(for: site).invalidate()
    }

    private func finishWithError(_ current: Versioned<Server>, message: String, releasing hostID: ComputeHost.ID?) async throws {
        var server = current.value
        server.vmState = .error
        server.taskState = nil
        server.taskOwner = nil
        server.taskDeadline = nil
        server.updatedAt = Date()
        server.fault = Fault(code: 500, message: message, created: Date())
        var txn = Transaction()
        store.servers(server.site).stageUpdate(server, from: current, into: &txn)
        try await stageFinishAction(server, result: "Error", message: message, into: &txn)
        try await store.commit(txn, in: .site(server.site))
    }

    private func delete(_ current: Versioned<Server>) async throws {
        let server = current.value
        let site = server.site
        if let hostID = server.hostID, let host = try await store.hosts(site).find(hostID)?.value {
            do {
                try await agents.destroy(machine: server.id, host: host.id, at: host.agentURL)
            } catch {
                // The record goes anyway (Nova's local delete); the agent's reconcile removes the
                // machine once it is reachable again, since no server owns it any more.
                logger.warning("destroy failed; deleting the record anyway",
                               metadata: ["server.id": "\(server.id)", "error": "\(error)"])
            }
        }
        var txn = Transaction()
        store.servers(site).stageDelete(current, terminatedAt: Date(), into: &txn)
        if let hostID = server.hostID { try await stageRelease(server.id, on: hostID, site: site, into: &txn) }
        let usage = try await store.usage(site).find(project: server.projectID)
        store.usage(site).stageAdd(Usage() - server.usage, project: server.projectID, current: usage, into: &txn)
        try await stageFinishAction(server, result: "Success", message: nil, into: &txn)
        try await store.commit(txn, in: .site(site))
        await schedulers.scheduler(for: site).invalidate()
    }

    private func operate(_ current: Versioned<Server>, task: TaskState) async throws {
        let server = current.value
        let operation: MachineOperation
        switch task {
        case .poweringOff: operation = .stop
        case .poweringOn: operation = .start
        case .pausing: operation = .pause
        case .unpausing: operation = .unpause
        case .suspending: operation = .suspend
        case .resuming: operation = .resume
        case .rebooting: operation = .reboot
        default: operation = .rebootHard
        }
        guard let hostID = server.hostID, let host = try await store.hosts(server.site).find(hostID)?.value else {
            return try await abandon(current, message: "The instance has no host.")
        }
        do {
            let info = try await agents.perform(operation, machine: server.id, host: host.id, at: host.agentURL)
            try await complete(current, task: task, machine: info)
        } catch {
            try await abandon(current, message: "\(operation.rawValue) failed on host \(host.name): \(error)")
        }
    }

    /// Records the successful end of `task` with the machine's reported state.
    private func complete(_ current: Versioned<Server>, task: TaskState, machine: MachineInfo) async throws {
        var server = current.value
        let (vmState, power) = ServerLifecycle.completion(of: task)
        server.vmState = vmState
        server.powerState = Self.powerState(machine.state, default: power)
        server.taskState = nil
        server.taskOwner = nil
        server.taskDeadline = nil
        server.updatedAt = Date()
        if task == .spawning {
            server.launchedAt = server.updatedAt
            server.fault = nil
        }
        var txn = Transaction()
        store.servers(server.site).stageUpdate(server, from: current, into: &txn)
        try await stageFinishAction(server, result: "Success", message: nil, into: &txn)
        try await store.commit(txn, in: .site(server.site))
    }

    /// Ends a failed power operation: the server stays in its stable state, the action records the error.
    private func abandon(_ current: Versioned<Server>, message: String) async throws {
        var server = current.value
        server.taskState = nil
        server.taskOwner = nil
        server.taskDeadline = nil
        server.updatedAt = Date()
        var txn = Transaction()
        store.servers(server.site).stageUpdate(server, from: current, into: &txn)
        try await stageFinishAction(server, result: "Error", message: message, into: &txn)
        try await store.commit(txn, in: .site(server.site))
    }

    static func powerState(_ state: MachineState, default fallback: PowerState) -> PowerState {
        switch state {
        case .running: .running
        case .paused: .paused
        case .suspended: .suspended
        case .shutdown: .shutdown
        case .crashed: .crashed
        }
    }

    func stageRelease(_ server: Server.ID, on hostID: ComputeHost.ID, site: Site.ID, into txn: inout Transaction) async throws {
        let hosts = store.hosts(site)
        guard let claim = try await hosts.claim(of: server, on: hostID), let host = try await hosts.find(hostID) else { return }
        hosts.stageRelease(claim, for: server, on: host, into: &txn)
    }

    func stageFinishAction(_ server: Server, result: String, message: String?, into txn: inout Transaction) async throws {
        let actions = store.actions(server.site)
        guard var action = try await actions.find(server: server.id, requestID: server.requestID)?.value else { return }
        action.finishTime = Date()
        action.result = result
        action.message = message
        actions.stageRecord(action, into: &txn)
    }
}

import AgentProtocol
public import CloudModel
import Foundation
import HypervisorDriver
import Logging
import LUCBase
import StateStore
import StorageDriver

/// The steps of servers' tasks: scheduling, spawning, power operations and deletion. Each step
/// reads the server, does one thing (place, call the agent), asks `ServerLifecycle` what that
/// changes, and commits the transition (`commit`). Driven by a `TaskRunner`.
public struct ServerWork: TaskWork {
    let store: Store
    let configuration: ControllerConfiguration
    let agents: any AgentClient
    let schedulers: SchedulerPool
    let clock: any WallClock
    let logger: Logger
    /// Serialises, within this controller, the commits that write a site's shared records (host
    /// claims, usage counters), so that concurrent deletions do not lose compare-and-set races
    /// to each other and redo their steps.
    let locks: KeyedLock
    /// Releases a deleted server's ports in the same transaction.
    let networking: ServerNetworking
    /// Tells hosts which other hosts carry their networks when a host joins or leaves one.
    let wiring: DataPlaneWiring
    /// Releases (or deletes) a deleted server's volumes in the same transaction.
    let volumeRelease: ServerVolumeRelease
    /// Drives the deletion of volumes deleted with their server.
    let volumeTasks: TaskRunner<VolumeWork>
    /// Makes and attaches the root volume of a server that boots from one.
    let bootVolumes: BootVolumeMaker
    /// At most this many spawns are attempted per server (Nova's `max_attempts`).
    static let maxAttempts = 3

    public var kind: String { "server" }

    public func advance(_ id: String, site: Site.ID, owner: String) async throws -> Bool {
        guard let current = try await store.servers(site).find(id),
              let task = current.value.taskState, current.value.taskOwner == owner
        else { return true }
        switch task {
        case .scheduling: try await schedule(current)
        case .spawning: try await spawn(current)
        case .deleting: try await delete(current)
        case .stopping: try await operate(current, .stop)
        case .starting: try await operate(current, .start)
        case .pausing: try await operate(current, .pause)
        case .unpausing: try await operate(current, .unpause)
        case .suspending: try await operate(current, .suspend)
        case .resuming: try await operate(current, .resume)
        case .rebooting: try await operate(current, .reboot)
        case .rebootingHard: try await operate(current, .rebootHard)
        }
        return false
    }

    public func pendingTasks(site: Site.ID) async throws -> [PendingTask] {
        try await store.servers(site).withTasks().map {
            PendingTask(id: $0.value.id, site: site, owner: $0.value.taskOwner, deadline: $0.value.taskDeadline, revision: $0.revision,
                        task: $0.value.taskState?.rawValue ?? "")
        }
    }

    public func adopt(_ pending: PendingTask, owner: String) async throws -> Bool {
        guard let current = try await store.servers(pending.site).find(pending.id), current.revision == pending.revision,
              let task = current.value.taskState
        else { return false }
        let limit = task == .scheduling || task == .spawning ? configuration.bootDeadline : configuration.actionDeadline
        do {
            try await commit(ServerLifecycle.apply(.adopted(owner: owner, deadline: deadline(limit)), to: current.value, now: clock.now()),
                             from: current)
            return true
        } catch let error as StoreError where error.code == .conflict {
            return false
        }
    }

    private func deadline(_ duration: Duration) -> Date { clock.now().addingTimeInterval(duration.inSeconds) }

    // MARK: steps

    private func schedule(_ current: Versioned<Server>) async throws {
        let scheduler = await schedulers.scheduler(for: current.value.site)
        switch try await scheduler.place(current, deadline: deadline(configuration.bootDeadline)) {
        case .placed, .serverChanged: return
        case let .noValidHost(reason):
            try await commit(ServerLifecycle.apply(.noValidHost(reason: reason), to: current.value, now: clock.now()), from: current)
        }
    }

    private func spawn(_ current: Versioned<Server>) async throws {
        let server = current.value
        guard let hostID = server.hostID, let host = try await store.hosts(server.site).find(hostID)?.value else {
            return try await spawnFailed(current, "host of the server is not registered")
        }
        var key: String? = nil
        if let name = server.keyName { key = try await store.keypairs.find(user: server.userID, name: name)?.value.publicKey }
        var request = SpawnRequest(serverID: server.id, name: server.name, vcpus: server.flavor.vcpus,
                                   ramMB: server.flavor.ramMB, diskGB: server.flavor.diskGB, imageID: server.imageID,
                                   userData: server.userData, publicKey: key, nics: try await networking.spawnNICs(server.nics))
        request.keyName = server.keyName
        request.hostname = server.hostname
        request.zone = server.site
        if !server.volumesAtBoot.isEmpty {
            do {
                if let root = server.bootVolume { request.rootDisk = try await bootVolumes.disk(root, of: server, host: host) }
                for data in server.dataVolumesAtBoot { request.disks.append(try await bootVolumes.disk(data, of: server, host: host)) }
            } catch let abort as BootVolumeMaker.Abort {
                logger.info("boot aborted", metadata: ["server.id": "\(server.id)", "reason": "\(abort.reason)"])
                try await commit(ServerLifecycle.apply(.buildAborted(abort.reason), to: server, now: clock.now()), from: current)
                return await schedulers.scheduler(for: server.site).invalidate()
            }
        }
        // The host carries the server's networks, its ports filtered, before the machine starts.
        await wiring.prepare(server, on: host.id)
        let info: MachineInfo
        do {
            info = try await agents.spawn(request, host: host.id, at: host.agentURL)
        } catch {
            logger.info("spawn failed", metadata: ["server.id": "\(server.id)", "host.id": "\(host.id)", "error": "\(error)"])
            return try await spawnFailed(current, "\(error)")
        }
        try await commit(ServerLifecycle.apply(.completed(power: Self.powerState(info.state)), to: server, now: clock.now()),
                         from: current, bindingPortsTo: host.id)
    }


    /// Gives the claim back and sends the server to scheduling again, or to ERROR after the last attempt.
    private func spawnFailed(_ current: Versioned<Server>, _ message: String) async throws {
        let transition = ServerLifecycle.apply(.spawnFailed(message, maxAttempts: Self.maxAttempts), to: current.value, now: clock.now())
        try await commit(transition, from: current)
        await schedulers.scheduler(for: current.value.site).invalidate()
    }

    private func delete(_ current: Versioned<Server>) async throws {
        let server = current.value
        if let hostID = server.hostID, let host = try await store.hosts(server.site).find(hostID)?.value {
            do {
                try await agents.destroy(machine: server.id, host: host.id, at: host.agentURL)
            } catch {
                // The record goes anyway (Nova's local delete); the agent's reconcile removes the
                // machine once it is reachable again, since no server owns it any more.
                logger.warning("destroy failed; deleting the record anyway",
                               metadata: ["server.id": "\(server.id)", "error": "\(error)"])
            }
        }
        // Floating IPs of the ports that go with the server are released before the record goes,
        // so that once the server is gone its floating IPs read DOWN. An uplink site out of reach
        // does not hold the delete up (a cut-off site keeps serving its users).
        let floating = server.nics.filter { !$0.floatingAddresses.isEmpty && $0.madeForServer }.map(\.portID)
        if !floating.isEmpty {
            do {
                try await networking.ports.releaseFloatingIPs(of: Set(floating))
            } catch {
                logger.warning("floating IPs not released; they stay associated until updated",
                               metadata: ["server.id": "\(server.id)", "error": "\(error)"])
            }
        }
        try await commit(ServerLifecycle.apply(.completed(power: .noState), to: server, now: clock.now()), from: current)
        await schedulers.scheduler(for: server.site).invalidate()
        await dropUnrecordedBootVolumes(of: server)
    }

    /// A volume the boot made in the storage but did not record (its controller died in
    /// between) goes with the server: no record names it, so nothing else would remove it.
    private func dropUnrecordedBootVolumes(of server: Server) async {
        for boot in server.volumesAtBoot where boot.madeAtBoot {
            do {
                guard try await store.volumes(server.site).find(boot.volumeID) == nil else { continue }
                try await bootVolumes.storage.driver(for: server.site).delete(boot.volumeID)
            } catch {
                logger.warning("boot volume left in the storage", metadata: ["server.id": "\(server.id)", "volume.id": "\(boot.volumeID)",
                                                                              "error": "\(error)"])
            }
        }
    }

    private func operate(_ current: Versioned<Server>, _ operation: MachineOperation) async throws {
        let server = current.value
        let event: TaskEvent
        if let hostID = server.hostID, let host = try await store.hosts(server.site).find(hostID)?.value {
            do {
                let info = try await agents.perform(operation, machine: server.id, host: host.id, at: host.agentURL)
                event = .completed(power: Self.powerState(info.state))
            } catch {
                event = .operationFailed("\(operation.rawValue) failed on host \(host.name): \(error)")
            }
        } else {
            event = .operationFailed("The instance has no host.")
        }
        try await commit(ServerLifecycle.apply(event, to: server, now: clock.now()), from: current)
    }

    /// The power state Nova shows for what the hypervisor reports.
    static func powerState(_ state: MachineState) -> PowerState {
        switch state {
        case .running: .running
        case .paused: .paused
        case .suspended: .suspended
        case .shutdown: .shutdown
        case .crashed: .crashed
        }
    }
}

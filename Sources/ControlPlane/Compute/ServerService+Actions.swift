import AgentProtocol
public import CloudModel
import Foundation
import LUCBase
import StateStore

extension ServerService {
    /// Starts `action` on a server: asks the lifecycle, records the task and the instance action
    /// in one transaction, and hands the work to the task runner. Returns once accepted.
    public func perform(_ action: ServerAction, on id: String, by principal: Principal, requestID: String) async throws {
        try requireWrite(principal)
        let server = try await retryOnConflict {
            let current = try await get(id, by: principal)
            try requireUnlocked(current.value, principal)
            let now = clock.now()
            let server: Server
            switch ServerLifecycle.begin(action, on: current.value, requestID: requestID, owner: configuration.controllerID,
                                         deadline: now.addingTimeInterval(configuration.actionDeadline.inSeconds), now: now) {
            case let .success(next): server = next
            case let .failure(refusal):
                throw ControlPlaneError.conflict(refusal.message.replacingOccurrences(of: "instance", with: "instance \(current.value.id)"))
            }
            var txn = Transaction()
            store.servers(server.site).stageUpdate(server, from: current, into: &txn)
            store.actions(server.site).stageRecord(
                InstanceAction(serverID: server.id, action: action.name, requestID: requestID, userID: principal.userID,
                               projectID: server.projectID, startTime: now), into: &txn)
            try await store.commit(txn, in: .site(server.site))
            return server
        }
        tasks.drive(server.id, site: server.site)
    }

    /// A locked server refuses changes by non-admins (409), as Nova.
    func requireUnlocked(_ server: Server, _ principal: Principal) throws {
        if server.locked && !principal.isAdmin {
            throw ControlPlaneError.conflict("Instance \(server.id) is locked")
        }
    }

    /// Locks (with an optional reason, 2.73) or unlocks a server, recorded as a `lock`/`unlock`
    /// instance action. An admin's lock is lifted by admins only.
    public func setLocked(_ locked: Bool, _ id: String, reason: String? = nil, by principal: Principal, requestID: String) async throws {
        if let reason, reason.count > 255 {
            throw ControlPlaneError.badRequest("Invalid input for field/attribute locked_reason: at most 255 characters.")
        }
        try requireWrite(principal)
        try await retryOnConflict {
            let current = try await get(id, by: principal)
            var server = current.value
            if !locked, server.lockedBy == .admin, !principal.isAdmin {
                throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed.")
            }
            let now = clock.now()
            server.locked = locked
            server.lockedReason = locked ? reason : nil
            server.lockedBy = locked ? (principal.isAdmin && principal.projectID != server.projectID ? .admin : .owner) : nil
            server.updatedAt = now
            var action = InstanceAction(serverID: server.id, action: locked ? "lock" : "unlock", requestID: requestID,
                                        userID: principal.userID, projectID: server.projectID, startTime: now)
            action.finishTime = now
            action.result = "Success"
            var txn = Transaction()
            store.servers(server.site).stageUpdate(server, from: current, into: &txn)
            store.actions(server.site).stageRecord(action, into: &txn)
            try await store.commit(txn, in: .site(server.site))
        }
    }

    /// Sends the guest a non-maskable interrupt (Nova's trigger_crash_dump), recorded as an
    /// instance action. 409 unless the server is ACTIVE, PAUSED or in ERROR on a host, idle.
    public func triggerCrashDump(_ id: String, by principal: Principal, requestID: String) async throws {
        try requireWrite(principal)
        let server = try await get(id, by: principal).value
        try requireUnlocked(server, principal)
        guard [.active, .paused, .error].contains(server.vmState), server.taskState == nil, let hostID = server.hostID,
              let host = try await store.hosts(server.site).find(hostID)?.value
        else {
            throw ControlPlaneError.conflict("Cannot 'trigger_crash_dump' instance \(server.id) while it is in vm_state \(server.vmState.rawValue)")
        }
        let started = clock.now()
        var action = InstanceAction(serverID: server.id, action: "trigger_crash_dump", requestID: requestID, userID: principal.userID,
                                    projectID: server.projectID, startTime: started)
        var failure: ControlPlaneError? = nil
        do {
            _ = try await agents.perform(.nmi, machine: server.id, host: host.id, at: host.agentURL)
            action.result = "Success"
        } catch let error as AgentCallError {
            action.result = "Error"
            action.message = error.message
            failure = error.kind == .driver
                ? ControlPlaneError.conflict("Cannot 'trigger_crash_dump' instance \(server.id): \(error.message)")
                : ControlPlaneError(.unavailable, "The host of instance \(server.id) does not answer (\(error.message)).")
        }
        action.finishTime = clock.now()
        var txn = Transaction()
        store.actions(server.site).stageRecord(action, into: &txn)
        try await store.commit(txn, in: .site(server.site))
        if let failure { throw failure }
    }

    /// The last `lines` lines of the server's serial console (all when nil).
    public func consoleOutput(_ id: String, lines: Int?, by principal: Principal) async throws -> String {
        let server = try await get(id, by: principal).value
        guard let hostID = server.hostID, server.vmState != .building || server.taskState == .spawning else {
            throw ControlPlaneError.conflict("Instance \(server.id) is not ready yet: it has no console output.")
        }
        guard let host = try await store.hosts(server.site).find(hostID)?.value else {
            throw ControlPlaneError(.unavailable, "The host of instance \(server.id) is not registered.")
        }
        do {
            return try await agents.console(machine: server.id, lines: lines, host: host.id, at: host.agentURL)
        } catch {
            throw ControlPlaneError(.unavailable, "The console of instance \(server.id) cannot be read: its host does not answer (\(error)).")
        }
    }

    /// The actions taken on a server, oldest first.
    /// - Parameter includeDeleted: also for a deleted server, whose actions stay in its home
    ///   site's keyspace (Nova from 2.21); visible to its project and admins.
    public func instanceActions(_ id: String, includeDeleted: Bool = false, by principal: Principal) async throws
        -> [InstanceAction] {
        try await instanceHistory(id, includeDeleted: includeDeleted, by: principal).actions
    }

    /// The server's instance actions, oldest first, and the server unless it was deleted.
    public func instanceHistory(_ id: String, includeDeleted: Bool = false, by principal: Principal) async throws
        -> (server: Server?, actions: [InstanceAction]) {
        do {
            let server = try await get(id, by: principal).value
            return (server, try await store.actions(server.site).list(server: server.id))
        } catch let error as ControlPlaneError where error.code == .notFound && includeDeleted {
            guard let normalized = ResourceID.normalized(id), let site = await sites.home(of: normalized) else { throw error }
            let actions = try await store.actions(site.id).list(server: normalized)
            guard let first = actions.first, principal.isAdmin || first.projectID == principal.projectID else { throw error }
            return (nil, actions)
        }
    }

    // MARK: metadata

    public func metadata(_ id: String, by principal: Principal) async throws -> [String: String] {
        try await get(id, by: principal).value.metadata
    }

    /// Replaces all metadata (`replace`), or merges `items` into it.
    public func setMetadata(_ id: String, _ items: [String: String], replace: Bool, by principal: Principal)
        async throws -> [String: String]
    {
        try requireWrite(principal)
        let limit = try await quotas.quota(for: try requireProject(principal)).metadataItems
        return try await mutate(id, by: principal) { server in
            try requireUnlocked(server, principal)
            var merged = replace ? items : server.metadata.merging(items) { _, new in new }
            if merged.isEmpty && !replace { merged = server.metadata }
            try validateMetadata(merged, limit: limit)
            server.metadata = merged
            server.updatedAt = clock.now()
        }.metadata
    }

    public func deleteMetadata(_ id: String, key: String, by principal: Principal) async throws {
        try requireWrite(principal)
        _ = try await mutate(id, by: principal) { server in
            try requireUnlocked(server, principal)
            guard server.metadata.removeValue(forKey: key) != nil else {
                throw ControlPlaneError.notFound("Metadata item was not found")
            }
            server.updatedAt = clock.now()
        }
    }
}

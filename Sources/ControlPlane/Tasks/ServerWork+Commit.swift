import LUCBase
import CloudModel
import Foundation
import StateStore

extension ServerWork {
    /// Commits a lifecycle transition of the server read as `current`, in one transaction in its
    /// site: the server's record (or its removal), the released claim, the end of the instance
    /// action, the usage change and, for a deletion, the release of its volumes (those deleted with
    /// it start their deletion). Throws a conflict when the server changed meanwhile. With
    /// `host`, the server's ports are bound to it (`binding:host_id`) in the same transaction.
    func commit(_ transition: ServerTransition, from current: Versioned<Server>, bindingPortsTo host: String? = nil) async throws {
        let site = current.value.site
        // Returns the volumes the deletion started deleting (those deleted with their server).
        let write: @Sendable () async throws -> [Volume.ID] = {
            var txn = Transaction()
            try await stage(transition, from: current, now: clock.now(), into: &txn)
            if let host, !current.value.nics.isEmpty { try await networking.stageBinding(of: current.value, to: host, into: &txn, now: clock.now()) }
            let deleting = transition.server == nil ? try await volumeRelease.stage(of: current.value, into: &txn, now: clock.now()) : []
            guard !txn.isEmpty else { return [] }
            try await store.commit(txn, in: .site(site))
            return deleting
        }
        let volumesDeleted: [Volume.ID]
        if transition.releasedClaim != nil || transition.usage != Usage() {
            volumesDeleted = try await locks.withLock("site-counters/\(site)") { try await write() }
        } else {
            volumesDeleted = try await write()
        }
        for id in volumesDeleted { volumeTasks.drive(id, site: site) }
        // The data plane follows the ports' bindings (a rewire only when a host joins or leaves a network).
        let server = current.value
        if !server.nics.isEmpty {
            if let host { await wiring.bound(server, to: host) } else if transition.server == nil, let hostID = server.hostID {
                await wiring.released(server, from: hostID)
            }
        }
    }

    private func stage(_ transition: ServerTransition, from current: Versioned<Server>, now: Date, into txn: inout Transaction)
        async throws
    {
        let old = current.value, site = old.site
        if let server = transition.server {
            guard server != old else { return }
            store.servers(site).stageUpdate(server, from: current, into: &txn)
        } else {
            store.servers(site).stageDelete(current, terminatedAt: now, into: &txn)
            try await networking.stageRelease(of: old, into: &txn, now: now)
        }
        if let hostID = transition.releasedClaim {
            let hosts = store.hosts(site)
            if let claim = try await hosts.claim(of: old.id, on: hostID), let host = try await hosts.find(hostID) {
                hosts.stageRelease(claim, for: old.id, on: host, into: &txn)
            }
        }
        if let result = transition.action {
            let actions = store.actions(site)
            if var action = try await actions.find(server: old.id, requestID: old.requestID)?.value {
                action.finishTime = now
                switch result {
                case .success: action.result = "Success"; action.message = nil
                case let .error(message): action.result = "Error"; action.message = message
                }
                actions.stageRecord(action, into: &txn)
            }
        }
        if transition.usage != Usage() {
            let usage = try await store.usage(site).find(project: old.projectID)
            store.usage(site).stageAdd(transition.usage, project: old.projectID, current: usage, into: &txn)
        }
    }
}


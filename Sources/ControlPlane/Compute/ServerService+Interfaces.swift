import AgentProtocol
public import CloudModel
import Foundation
import LUCBase
import StateStore

extension ServerService {
    /// The server's interfaces (Nova's `interfaceAttachments`), each with its port.
    public func interfaces(_ id: String, by principal: Principal) async throws -> [NetworkPort] {
        let server = try await get(id, by: principal).value
        let ports = try await store.ports(server.site).ports(ofDevice: server.id).map(\.value)
        return server.nics.compactMap { nic in ports.first { $0.id == nic.portID } }
    }

    /// Hot-plugs an interface into a server that is ACTIVE, PAUSED or SHUTOFF (409 otherwise):
    /// the port is made or taken and bound, and the server's record gains the NIC, in one
    /// transaction at the server's site; then the host's driver plugs it. If the driver fails,
    /// the records are put back and the call is 409 with the driver's reason.
    /// `request` names a user's port, or a network for a new port (with an optional fixed address).
    public func attachInterface(_ id: String, _ request: CreateServerCommand.NetworkRequest, by principal: Principal) async throws
        -> NetworkPort
    {
        try requireWrite(principal)
        let current = try await get(id, by: principal)
        try requireUnlocked(current.value, principal)
        let site = current.value.site
        guard [.active, .paused, .stopped].contains(current.value.vmState), current.value.taskState == nil,
              let hostID = current.value.hostID, let host = try await store.hosts(site).find(hostID)?.value,
              let home = await sites.site(site)
        else {
            throw ControlPlaneError.conflict("Cannot 'attach_interface' instance \(id) while it is in vm_state \(current.value.vmState.rawValue)")
        }
        let plan = try await networking.plan(.list([request]), securityGroups: nil, count: 1, by: principal)
        if let portSite = plan.portSite, portSite != site {
            throw ControlPlaneError.badRequest("Port \(request.portID ?? "") is at site \(portSite) and instance \(id) at site \(site): an interface is a port of the server's own site.")
        }
        let nic = try await retryOnConflict { () -> ServerNIC in
            let fresh = try await get(id, by: principal)
            var server = fresh.value
            var taken = Set(server.nics.flatMap(\.addresses))
            var txn = Transaction()
            let made = try await networking.stage(plan, for: server, site: home, taken: &taken, into: &txn, now: clock.now())
            server.nics += made
            server.updatedAt = clock.now()
            store.servers(site).stageUpdate(server, from: fresh, into: &txn)
            try await store.commit(txn, in: .site(site))
            return made[0]
        }
        let wiring = networking.ports.wiring
        if let port = try await store.ports(site).find(nic.portID)?.value { await wiring.prepare([port], on: host.id, site: site) }
        do {
            let spawned = try await networking.spawnNICs([nic])
            _ = try await agents.attach(spawned[0], machine: id, host: host.id, at: host.agentURL)
        } catch {
            try? await forgetInterface(nic, of: id, site: site)
            let reason = (error as? AgentCallError)?.message ?? "\(error)"
            throw ControlPlaneError.conflict("Failed to attach network adapter device to \(id): \(reason)")
        }
        var txn = Transaction()
        let bound = try await store.ports(site).find(nic.portID)
        if let bound, bound.value.hostID != host.id {
            var port = bound.value
            port.hostID = host.id
            port.revision += 1
            store.ports(site).stageUpdate(port, from: bound, into: &txn)
            try await store.commit(txn, in: .site(site))
            _ = await wiring.memory.join(port.networkID, host.id)
            await wiring.portsChanged([port.networkID], site: site)
            return port
        }
        guard let port = bound?.value else { throw ControlPlaneError.notFound("Port \(nic.portID) could not be found.") }
        return port
    }

    /// Unplugs a port from a server (the guest releases it first), then deletes the port if it
    /// was made for the server or releases the user's; 404 when the server has no such port.
    public func detachInterface(_ id: String, portID: String, by principal: Principal) async throws {
        try requireWrite(principal)
        let server = try await get(id, by: principal).value
        try requireUnlocked(server, principal)
        guard let nic = server.nics.first(where: { $0.portID == portID }) else {
            throw ControlPlaneError.notFound("Port \(portID) is not attached")
        }
        guard server.taskState == nil else {
            throw ControlPlaneError.conflict("Cannot 'detach_interface' instance \(id) while it is in task_state \(server.taskState?.rawValue ?? "")")
        }
        if let hostID = server.hostID, let host = try await store.hosts(server.site).find(hostID)?.value {
            do {
                _ = try await agents.detach(port: portID, machine: id, host: host.id, at: host.agentURL)
            } catch {
                let reason = (error as? AgentCallError)?.message ?? "\(error)"
                throw ControlPlaneError.conflict("Failed to detach network adapter device from \(id): \(reason)")
            }
        }
        try await forgetInterface(nic, of: id, site: server.site)
        if let hostID = server.hostID { await networking.ports.wiring.released(networks: [nic.networkID], from: hostID, site: server.site) }
        if nic.madeForServer { try await networking.ports.releaseFloatingIPs(of: [portID]) }
    }

    /// Removes the NIC from the server's record and deletes (made for it) or releases its port.
    func forgetInterface(_ nic: ServerNIC, of id: String, site: Site.ID) async throws {
        try await retryOnConflict {
            guard let current = try await store.servers(site).find(id) else { return }
            var server = current.value
            server.nics.removeAll { $0.portID == nic.portID }
            server.updatedAt = clock.now()
            var txn = Transaction()
            store.servers(site).stageUpdate(server, from: current, into: &txn)
            let repo = store.ports(site)
            if let port = try await repo.find(nic.portID), port.value.deviceID == id {
                if nic.madeForServer {
                    repo.stageDelete(port, into: &txn)
                } else {
                    repo.stageUpdate(port.value.released(at: clock.now()), from: port, into: &txn)
                }
            }
            try await store.commit(txn, in: .site(site))
        }
    }
}

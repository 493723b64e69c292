public import CloudModel
import Foundation
import StateStore

extension ServerService {
    /// The security groups of the server's ports (Nova's `os-security-groups` on a server), in
    /// the order the server names them; the project's `default` for a server without ports.
    public func securityGroups(of id: String, by principal: Principal) async throws -> [SecurityGroup] {
        let server = try await get(id, by: principal).value
        let ports = try await store.ports(server.site).ports(ofDevice: server.id).map(\.value)
        var ids: [SecurityGroup.ID] = []
        for groupID in ports.flatMap(\.securityGroupIDs) where !ids.contains(groupID) { ids.append(groupID) }
        if ids.isEmpty && ports.isEmpty, let project = principal.projectID, project == server.projectID {
            ids = [try await networking.groups.defaultGroup(of: project).id]
        }
        var groups: [SecurityGroup] = []
        for groupID in ids { if let group = try await store.networks.securityGroup(groupID)?.value { groups.append(group) } }
        return groups
    }

    /// Adds a security group to (or removes it from) every port of the server with port security,
    /// and the server's list of group names, in one transaction at its site. 404 for an unknown
    /// group; 400 when the server already has it (add) or does not (remove), as Nova.
    public func changeSecurityGroup(_ nameOrID: String, add: Bool, on id: String, by principal: Principal) async throws {
        try requireWrite(principal)
        guard let project = principal.projectID else { throw ControlPlaneError.unauthorized("A project-scoped token is required.") }
        let visible = try await networking.groups.groups(by: principal)
        let matches = visible.filter { $0.id == nameOrID || ($0.name == nameOrID && $0.projectID == project) }
        guard let group = matches.first else {
            throw ControlPlaneError.notFound("Security group \(nameOrID) not found for project \(project).")
        }
        guard matches.count == 1 else {
            throw ControlPlaneError.conflict("Multiple security groups named \(nameOrID) exist; use an ID.")
        }
        try await retryOnConflict {
            let current = try await get(id, by: principal)
            try requireUnlocked(current.value, principal)
            var server = current.value
            let repo = store.ports(server.site)
            let ports = try await repo.ports(ofDevice: server.id).filter { $0.value.portSecurityEnabled }
            let holding = ports.filter { $0.value.securityGroupIDs.contains(group.id) }
            if add && !ports.isEmpty && holding.count == ports.count {
                throw ControlPlaneError.badRequest("Security group \(group.name) is already associated with the instance \(id)")
            }
            if !add && holding.isEmpty {
                throw ControlPlaneError.badRequest("Security group \(group.name) not associated with the instance \(id)")
            }
            guard !ports.isEmpty else {
                throw ControlPlaneError.badRequest("Instance \(id) has no port with port security: it has no security group to change.")
            }
            var txn = Transaction()
            for current in ports {
                var port = current.value
                if add, !port.securityGroupIDs.contains(group.id) { port.securityGroupIDs.append(group.id) }
                if !add { port.securityGroupIDs.removeAll { $0 == group.id } }
                guard port != current.value else { continue }
                port.updatedAt = clock.now()
                port.revision += 1
                repo.stageUpdate(port, from: current, into: &txn)
            }
            if add, !server.securityGroupNames.contains(group.name) { server.securityGroupNames.append(group.name) }
            if !add { server.securityGroupNames.removeAll { $0 == group.name } }
            server.updatedAt = clock.now()
            store.servers(server.site).stageUpdate(server, from: current, into: &txn)
            try await store.commit(txn, in: .site(server.site))
        }
        let server = try await get(id, by: principal).value
        await networking.ports.wiring.portsChanged(Set(server.nics.map(\.networkID)), site: server.site)
    }
}

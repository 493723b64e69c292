public import CloudModel
import Foundation
import StateStore

extension IdentityService {
    /// The domain with `id` (`default` is built in); 404 otherwise.
    public func domain(_ id: String) async throws -> Domain {
        if id == Domain.default.id { return .default }
        guard let domain = try await store.identity.domain(id)?.value else {
            throw ControlPlaneError.notFound("Could not find domain: \(id).")
        }
        return domain
    }

    /// Every domain, `Default` first, optionally only those named `name` or `enabled`.
    public func domains(named name: String? = nil, enabled: Bool? = nil) async throws -> [Domain] {
        let all = [Domain.default] + (try await store.identity.allDomains()).sorted { $0.name < $1.name }
        return all.filter { (name == nil || $0.name == name) && (enabled == nil || $0.enabled == enabled) }
    }

    /// Creates a domain; its name is unique (409 otherwise).
    public func createDomain(name: String, description: String, enabled: Bool) async throws -> Domain {
        guard !name.isEmpty, name.count <= 64 else { throw ControlPlaneError.badRequest("Domain name must be 1 to 64 characters.") }
        guard name != Domain.default.name else {
            throw ControlPlaneError.conflict("Conflict occurred attempting to store domain - Duplicate entry.")
        }
        let domain = Domain(id: ResourceID.makeGlobal().replacingOccurrences(of: "-", with: ""), name: name,
                            description: description, enabled: enabled)
        var txn = Transaction()
        store.identity.stagePut(domain, previous: nil, into: &txn)
        do { try await store.commit(txn, in: .global) } catch let error as StoreError where error.code == .conflict {
            throw ControlPlaneError.conflict("Conflict occurred attempting to store domain - Duplicate entry.")
        }
        return domain
    }

    /// Renames, describes, enables or disables a domain (`default` cannot change here).
    public func updateDomain(_ id: String, _ change: @Sendable (inout Domain) -> Void) async throws -> Domain {
        guard id != Domain.default.id else {
            throw ControlPlaneError.forbidden("The default domain is built in and cannot be changed.")
        }
        return try await retryOnConflict {
            guard let old = try await store.identity.domain(id) else { throw ControlPlaneError.notFound("Could not find domain: \(id).") }
            var new = old.value
            change(&new)
            guard !new.name.isEmpty, new.name.count <= 64, new.name != Domain.default.name else {
                throw ControlPlaneError.badRequest("Domain name must be 1 to 64 characters and not Default.")
            }
            var txn = Transaction()
            store.identity.stagePut(new, previous: old, into: &txn)
            do { try await store.commit(txn, in: .global) } catch let error as StoreError where error.code == .conflict && new.name != old.value.name {
                throw ControlPlaneError.conflict("Conflict occurred attempting to store domain - Duplicate entry.")
            }
            return new
        }
    }

    /// Deletes a disabled domain with its projects, users and the roles held on it, as Keystone
    /// does (403 while it is enabled).
    public func deleteDomain(_ id: String) async throws {
        guard id != Domain.default.id else { throw ControlPlaneError.forbidden("The default domain cannot be deleted.") }
        guard let old = try await store.identity.domain(id) else { throw ControlPlaneError.notFound("Could not find domain: \(id).") }
        guard !old.value.enabled else {
            throw ControlPlaneError.forbidden("Cannot delete a domain that is enabled, please disable it first.")
        }
        var txn = Transaction()
        store.identity.stageDelete(old, into: &txn)
        let projects = try await store.identity.allProjects().filter { $0.domainID == id }
        for project in projects {
            if let record = try await store.identity.project(project.id) { store.identity.stageDelete(record, into: &txn) }
        }
        let doomedUsers = Set(try await store.identity.allUsers().filter { $0.domainID == id }.map(\.id))
        for userID in doomedUsers {
            if let record = try await store.identity.user(userID) { store.identity.stageDelete(record, into: &txn) }
        }
        let doomedProjects = Set(projects.map(\.id))
        for assignment in try await store.identity.allAssignments()
        where assignment.domainID == id || doomedUsers.contains(assignment.userID) || assignment.projectID.map(doomedProjects.contains) == true {
            store.identity.stageRevoke(assignment, into: &txn)
        }
        try await store.commit(txn, in: .global)
    }

    /// The ID of the domain `ref` names, if it exists and is enabled (401 otherwise: the caller
    /// is authenticating).
    func enabledDomainID(_ ref: DomainRef) async throws -> String {
        let denied = ControlPlaneError.unauthorized("The request you have made requires authentication.")
        let found: Domain?
        switch ref {
        case let .id(id): found = id == Domain.default.id ? .default : try await store.identity.domain(id)?.value
        case let .name(name): found = name == Domain.default.name ? .default : try await store.identity.domain(named: name)?.value
        }
        guard let found, found.enabled else { throw denied }
        return found.id
    }
}

public import CloudModel
public import Foundation
public import StateStore

/// Nova's server groups: create, list, show, delete, and their members. A group is one record in
/// `global`; its members are the servers whose record names it, found through each site's group
/// index, so a boot into a group writes only its own site.
public struct ServerGroupService: Sendable {
    let store: Store
    let sites: SiteDirectory
    let configuration: ControllerConfiguration
    let clock: any WallClock

    public init(store: Store, sites: SiteDirectory, configuration: ControllerConfiguration, clock: any WallClock) {
        self.store = store
        self.sites = sites
        self.configuration = configuration
        self.clock = clock
    }

    public func create(name: String, policy: ServerGroup.Policy, maxServersPerHost: Int? = nil, by principal: Principal)
        async throws -> ServerGroup {
        guard let project = principal.projectID else { throw ControlPlaneError.unauthorized("A project-scoped token is required.") }
        guard principal.canWrite else { throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-server-groups:create to be performed.") }
        guard !name.isEmpty, name.count <= 255, name.trimmingCharacters(in: .whitespaces) == name else {
            throw ControlPlaneError.badRequest("Invalid input for field/attribute name: must be 1 to 255 characters without leading or trailing spaces.")
        }
        if let maxServersPerHost, maxServersPerHost < 1 || policy != .antiAffinity {
            throw ControlPlaneError.badRequest("Invalid input for field/attribute rules: max_server_per_host is an integer >= 1, for anti-affinity only.")
        }
        let group = ServerGroup(id: ResourceID.makeGlobal(), name: name, projectID: project, userID: principal.userID,
                                policy: policy, maxServersPerHost: maxServersPerHost, createdAt: clock.now())
        var txn = Transaction()
        store.serverGroups.stageCreate(group, into: &txn)
        try await store.commit(txn, in: .global)
        return group
    }

    /// The caller's project's groups; every project's for an admin asking `allProjects`.
    public func list(allProjects: Bool, by principal: Principal) async throws -> [ServerGroup] {
        let every = allProjects && principal.isAdmin
        return try await store.serverGroups.all().filter { every || $0.projectID == principal.projectID }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The group if the caller may see it; 404 otherwise.
    public func get(_ id: String, by principal: Principal) async throws -> Versioned<ServerGroup> {
        guard let group = try await store.serverGroups.find(id), principal.isAdmin || group.value.projectID == principal.projectID else {
            throw ControlPlaneError.notFound("Instance group \(id) could not be found.")
        }
        return group
    }

    public func delete(_ id: String, by principal: Principal) async throws {
        guard principal.canWrite else { throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-server-groups:delete to be performed.") }
        let group = try await get(id, by: principal)
        var txn = Transaction()
        store.serverGroups.stageDelete(group, into: &txn)
        try await store.commit(txn, in: .global)
    }

    /// The IDs of the group's servers, by site (read in parallel; a site that does not answer in
    /// time contributes none).
    public func members(of group: ServerGroup.ID) async -> [Site.ID: [Server.ID]] {
        let gathered = await scatter(await sites.all(), deadline: configuration.siteTimeout) { site in
            try await store.servers(site.id).ids(inGroup: group)
        }
        return gathered.parts.filter { !$0.value.isEmpty }
    }
}

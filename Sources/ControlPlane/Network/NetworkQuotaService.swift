public import CloudModel
import Foundation
public import StateStore

/// Neutron's quotas: a project's limits on networks, subnets, ports, routers, floating IPs,
/// security groups and rules, enforced when one is made. Networks, subnets and groups are
/// counted in `global`; ports at every site that answers in time (a cut-off site's ports are
/// not counted: a project can exceed its port quota by what it holds there).
public struct NetworkQuotaService: Sendable {
    let store: Store
    let sites: SiteDirectory
    let configuration: ControllerConfiguration

    public init(store: Store, sites: SiteDirectory, configuration: ControllerConfiguration) {
        self.store = store
        self.sites = sites
        self.configuration = configuration
    }

    public func quota(for project: String) async throws -> NetworkQuota {
        try await store.networks.quota(project: project)?.value ?? .defaults
    }

    /// Sets some of a project's quotas (admins); 400 for an unknown name or a value below -1.
    public func update(project: String, _ values: [String: Int], by p: Principal) async throws -> NetworkQuota {
        guard p.isAdmin else { throw ControlPlaneError(.forbidden, "Only administrators may change quotas.", kind: "PolicyNotAuthorized") }
        return try await retryOnConflict {
            let current = try await store.networks.quota(project: project)
            var quota = current?.value ?? .defaults
            for (name, value) in values {
                guard value >= -1 else {
                    throw ControlPlaneError(.badRequest, "Invalid input for \(name): must be an integer >= -1.", kind: "InvalidInput")
                }
                guard quota.set(name, value) else {
                    throw ControlPlaneError(.badRequest, "Unrecognized attribute(s) '\(name)'", kind: "HTTPBadRequest")
                }
            }
            var txn = Transaction()
            store.networks.stagePut(quota, project: project, expecting: current?.revision, into: &txn)
            try await store.commit(txn, in: .global)
            return quota
        }
    }

    /// Back to the defaults (admins).
    public func reset(project: String, by p: Principal) async throws {
        guard p.isAdmin else { throw ControlPlaneError(.forbidden, "Only administrators may change quotas.", kind: "PolicyNotAuthorized") }
        guard let current = try await store.networks.quota(project: project) else { return }
        var txn = Transaction()
        store.networks.stageDeleteQuota(current, project: project, into: &txn)
        try await store.commit(txn, in: .global)
    }

    /// What the project uses of each quota, by Neutron name.
    public func usage(of project: String) async throws -> [String: Int] {
        var usage: [String: Int] = [:]
        for (name, _) in NetworkQuota.defaults.items { usage[name] = try await used(name, project: project) }
        return usage
    }

    /// What the project uses of one quota: only that resource is read (a port check does not
    /// count routers or floating IPs across sites).
    func used(_ resource: String, project: String) async throws -> Int {
        switch resource {
        case "network": try await store.networks.allNetworks().filter { $0.projectID == project }.count
        case "subnet": try await store.networks.allSubnets().filter { $0.projectID == project }.count
        case "port": await ports(of: project)
        case "router": try await store.networks.allRouters().filter { $0.projectID == project }.count
        case "floatingip": await floatingIPs(of: project)
        case "security_group": try await store.networks.allSecurityGroups().filter { $0.projectID == project }.count
        case "security_group_rule":
            try await store.networks.allSecurityGroups().filter { $0.projectID == project }.reduce(0) { $0 + $1.rules.count }
        default: 0
        }
    }

    func ports(of project: String) async -> Int {
        let gathered = await scatter(await sites.all(), deadline: configuration.siteTimeout) { site in
            try await store.ports(site.id).all().filter { $0.projectID == project }.count
        }
        return gathered.parts.values.reduce(0, +)
    }

    func floatingIPs(of project: String) async -> Int {
        let gathered = await scatter(await sites.all(), deadline: configuration.siteTimeout) { site in
            try await store.floatingIPs(site.id).all().filter { $0.value.projectID == project }.count
        }
        return gathered.parts.values.reduce(0, +)
    }

    /// 409 `OverQuota` when `adding` more of `resource` would exceed the project's quota.
    func check(_ resource: String, project: String, adding: Int = 1) async throws {
        let quota = try await quota(for: project)
        guard let limit = quota.items.first(where: { $0.0 == resource })?.1, limit >= 0 else { return }
        if try await used(resource, project: project) + adding > limit {
            throw ControlPlaneError(.overLimit, "Quota exceeded for resources: ['\(resource)'].", kind: "OverQuota")
        }
    }
}

public import CloudModel
public import StateStore

/// Quotas and usage: limits per project in `global`, usage counted per site and summed.
///
/// Within one site a project's usage counter changes in the same transaction as its servers, so
/// the check is exact there. Across sites the sum is read without a global lock: two sites
/// booting for the same project at the same instant can overshoot by one request each. That is
/// the price of creating servers without a global write.
public struct QuotaService: Sendable {
    /// What was last read from each site (shared with the server listings).
    let remoteSites: RemoteSiteCache
    let store: Store
    let sites: SiteDirectory
    /// One key per site: short, so that a boot elsewhere is not slowed much by a cut-off site.
    var siteTimeout: Duration { .milliseconds(500) }

    public init(store: Store, sites: SiteDirectory, remoteSites: RemoteSiteCache) {
        self.remoteSites = remoteSites
        self.store = store
        self.sites = sites
    }

    public func quota(for project: String) async throws -> Quota {
        try await store.quotas.find(project: project)?.value ?? .defaults
    }

    /// The project's usage summed over every site, read in parallel. Other sites' counters are
    /// reused for up to `remoteUsageAge` (so a boot in this site costs no WAN round trip), and a
    /// site that does not answer in time counts with the usage last read from it, so that a
    /// partition does not stop boots in the sites that still work. Within `home` the count is
    /// always fresh.
    public func usage(of project: String, home: Site.ID? = nil) async throws -> Usage {
        let store = self.store, cache = remoteSites, limit = siteTimeout, age = Self.remoteUsageAge
        return await withTaskGroup(of: Usage.self) { group in
            for site in await sites.all() {
                group.addTask {
                    if let home, site.id != home, let recent = await cache.usage(site: site.id, project: project, within: age) {
                        return recent
                    }
                    if let fresh = await withDeadline(limit, { try await store.usage(site.id).find(project: project)?.value ?? Usage() }) {
                        await cache.remember(fresh, site: site.id, project: project)
                        return fresh
                    }
                    return await cache.usage(site: site.id, project: project) ?? Usage()
                }
            }
            var total = Usage()
            for await part in group { total = total + part }
            return total
        }
    }

    /// How long another site's usage counter may be reused for quota checks.
    static let remoteUsageAge: Duration = .seconds(2)

    /// How many of `wanted` servers of `flavor` fit (at least `minimum`), or the quota error.
    func fit(_ wanted: Int, min minimum: Int, of flavor: Flavor, project: String, quota: Quota, home: Site.ID) async throws -> Int {
        let used = try await usage(of: project, home: home)
        var count = wanted
        while count >= minimum {
            let request = Usage(instances: count, cores: count * flavor.vcpus, ramMB: count * flavor.ramMB)
            guard let resource = quota.exceeded(usage: used, adding: request) else { return count }
            if count == minimum {
                let (limit, have, need): (Int, Int, Int) = switch resource {
                case "instances": (quota.instances, used.instances, request.instances)
                case "cores": (quota.cores, used.cores, request.cores)
                default: (quota.ramMB, used.ramMB, request.ramMB)
                }
                throw ControlPlaneError(.overLimit, "Quota exceeded for \(resource): Requested \(need), but already used \(have) of \(limit) \(resource)")
            }
            count -= 1
        }
        return minimum
    }

    /// Changes a project's quota (admin only).
    public func update(project: String, by principal: Principal, _ change: @Sendable (inout Quota) -> Void) async throws
        -> Quota
    {
        guard principal.isAdmin else { throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-quota-sets:update to be performed.") }
        return try await retryOnConflict {
            let current = try await store.quotas.find(project: project)
            var quota = current?.value ?? .defaults
            change(&quota)
            var txn = Transaction()
            store.quotas.stagePut(quota, project: project, expecting: current?.revision, into: &txn)
            try await store.commit(txn, in: .global)
            return quota
        }
    }

    /// Drops a project's overrides: its quota is the defaults again (admin only).
    public func reset(project: String, by principal: Principal) async throws {
        guard principal.isAdmin else { throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-quota-sets:delete to be performed.") }
        try await retryOnConflict {
            guard let current = try await store.quotas.find(project: project) else { return }
            var txn = Transaction()
            store.quotas.stageDelete(current, project: project, into: &txn)
            try await store.commit(txn, in: .global)
        }
    }
}

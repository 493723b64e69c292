public import CloudModel
public import Scheduling
public import StateStore

/// The admin view of hosts: Nova's os-hypervisors and the `luc status` summary.
public struct HypervisorService: Sendable {
    let sites: SiteDirectory
    let schedulers: SchedulerPool

    let store: Store

    public init(store: Store, sites: SiteDirectory, schedulers: SchedulerPool) {
        self.store = store
        self.sites = sites
        self.schedulers = schedulers
    }

    /// How many servers hold a claim on the host (Nova's `running_vms`).
    public func runningServers(on host: ComputeHost) async throws -> Int {
        try await store.hosts(host.site).claims(on: host.id).count
    }

    /// Every host of every site with its liveness, ordered by hypervisor number.
    public func all(by principal: Principal) async throws -> [HostSnapshot] {
        guard principal.isAdmin else {
            throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-hypervisors:list to be performed.")
        }
        return try await everyHost()
    }

    /// The hosts of some sites, read in parallel within the controller's site timeout; a site
    /// that does not answer in time is left out (its servers' hosts are then unknown).
    public func hosts(ofSites ids: Set<Site.ID>, timeout: Duration) async -> [HostSnapshot] {
        let wanted = await sites.all().filter { ids.contains($0.id) }
        let gathered = await scatter(wanted, deadline: timeout) { site in
            try await schedulers.scheduler(for: site.id).hostStates(maxAge: .milliseconds(500))
        }
        return gathered.parts.values.flatMap { $0 }
    }

    /// Every host of every site (no policy check: for internal status).
    public func everyHost() async throws -> [HostSnapshot] {
        var result: [HostSnapshot] = []
        for site in await sites.all() {
            result += try await schedulers.scheduler(for: site.id).hostStates(maxAge: .milliseconds(500))
        }
        return result.sorted { $0.host.number < $1.host.number }
    }
}

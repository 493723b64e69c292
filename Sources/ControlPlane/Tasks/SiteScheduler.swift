import LUCBase
public import CloudModel
public import Foundation
public import Scheduling
public import StateStore

/// Places servers on the hosts of one site: runs the placement pipeline over a cached snapshot
/// of the hosts and claims the best one with a compare-and-set on its record.
///
/// Placements of one controller are serialised per site (no self-inflicted conflicts); between
/// controllers the compare-and-set decides and the loser re-reads and retries. A host is thus
/// never overcommitted, whatever the number of schedulers.
public actor SiteScheduler {
    public enum Outcome: Sendable {
        case placed(ComputeHost)
        case noValidHost(String)
        /// The server changed under us (deleted, or taken over): nothing was claimed.
        case serverChanged
    }

    let site: Site.ID
    let store: Store
    let pipeline: PlacementPipeline
    let clock: any WallClock
    private var hosts: [ComputeHost.ID: Versioned<ComputeHost>] = [:]
    private var up: Set<ComputeHost.ID> = []
    private var loadedAt: ContinuousClock.Instant?
    private let lock = KeyedLock()
    static let maxAge: Duration = .milliseconds(500)

    init(site: Site.ID, store: Store, pipeline: PlacementPipeline, clock: any WallClock) {
        self.site = site
        self.store = store
        self.pipeline = pipeline
        self.clock = clock
    }

    private func refresh() async throws {
        let all = try await store.hosts(site).all()
        hosts = Dictionary(all.map { ($0.value.id, $0) }, uniquingKeysWith: { a, _ in a })
        up = Set(try await store.leases(site).live(.host).keys)
        loadedAt = .now
    }

    private func snapshot(maxAge: Duration = SiteScheduler.maxAge) async throws -> [HostSnapshot] {
        if loadedAt.map({ ContinuousClock.now - $0 > maxAge }) ?? true { try await refresh() }
        return hosts.values.map { HostSnapshot(host: $0.value, isUp: up.contains($0.value.id)) }
            .sorted { $0.host.name < $1.host.name }
    }

    /// True when some live host of the site has room for `resources` right now.
    public func canFit(_ resources: Resources) async throws -> Bool {
        !pipeline.rank(try await snapshot(maxAge: .seconds(2)), for: PlacementRequest(resources: resources)).isEmpty
    }

    /// The site's capacity summary from its live, enabled hosts (for `global`).
    public func capacity() async throws -> SiteCapacity {
        let live = try await snapshot(maxAge: .seconds(2)).filter { $0.isUp && $0.host.enabled }.map(\.host.free)
        let free = live.reduce(Resources.zero) { Resources(vcpus: $0.vcpus + max(0, $1.vcpus), ramMB: $0.ramMB + max(0, $1.ramMB),
                                                          diskGB: $0.diskGB + max(0, $1.diskGB)) }
        let largest = Resources(vcpus: live.map(\.vcpus).max() ?? 0, ramMB: live.map(\.ramMB).max() ?? 0,
                                diskGB: live.map(\.diskGB).max() ?? 0)
        return SiteCapacity(site: site, hostsUp: live.count, free: free, largestFree: largest, updatedAt: clock.now())
    }

    /// The hosts of the site and whether each is up, as last seen (at most `maxAge` old).
    public func hostStates(maxAge: Duration = .seconds(1)) async throws -> [HostSnapshot] {
        try await snapshot(maxAge: maxAge)
    }

    /// Claims a host for `server` (in `scheduling`) and moves it to `spawning` on that host, in
    /// one transaction.
    public func place(_ server: Versioned<Server>, deadline: Date) async throws -> Outcome {
        try await lock.withLock("place") { try await self.placeLocked(server, deadline: deadline) }
    }

    private func placeLocked(_ initial: Versioned<Server>, deadline: Date) async throws -> Outcome {
        var server = initial
        var refreshed = false
        for _ in 0..<50 {
            let request = PlacementRequest(resources: server.value.flavor.resources, host: server.value.requestedHost,
                                           excludedHosts: Set(server.value.triedHosts),
                                           group: try await groupPlacement(of: server.value))
            let hostsNow = try await snapshot()
            guard let best = pipeline.rank(hostsNow, for: request).first, let record = hosts[best.host.id] else {
                if !refreshed {
                    try await refresh()
                    refreshed = true
                    continue
                }
                return .noValidHost(pipeline.explain(hostsNow, for: request))
            }
            let placed = TaskEvent.placed(hostID: best.host.id, hostName: best.host.name, deadline: deadline)
            guard let updated = ServerLifecycle.apply(placed, to: server.value, now: clock.now()).server else { return .serverChanged }
            var txn = Transaction()
            store.hosts(site).stageClaim(updated.flavor.resources, for: updated.id, on: record, into: &txn)
            store.servers(site).stageUpdate(updated, from: server, into: &txn)
            do {
                let revision = try await store.commit(txn, in: .site(site))
                var host = record.value
                host.used = host.used + updated.flavor.resources
                hosts[host.id] = Versioned(host, revision: revision)
                return .placed(host)
            } catch let error as StoreError where error.code == .conflict {
                try await refresh()
                refreshed = true
                guard let fresh = try await store.servers(site).find(server.value.id),
                      fresh.value.taskState == .scheduling, fresh.value.taskOwner == server.value.taskOwner
                else { return .serverChanged }
                server = fresh
            }
        }
        throw StoreError.conflict("hosts of site \(site)")
    }

    /// The server's group policy and its other members' hosts at this site, read fresh: placements
    /// of one controller are serialised, so each sees the members placed before it.
    private func groupPlacement(of server: Server) async throws -> GroupPlacement? {
        guard let id = server.groupID, let group = try await store.serverGroups.find(id)?.value else { return nil }
        var perHost: [ComputeHost.ID: Int] = [:]
        for member in try await store.servers(site).list(group: id) where member.value.id != server.id {
            if let host = member.value.hostID { perHost[host, default: 0] += 1 }
        }
        return GroupPlacement(policy: group.policy, membersPerHost: perHost, maxPerHost: group.maxServersPerHost ?? 1)
    }

    /// Forget the cache (after a release elsewhere changed a host).
    public func invalidate() {
        loadedAt = nil
    }
}

/// One `SiteScheduler` per site, created on first use.
public actor SchedulerPool {
    private var schedulers: [Site.ID: SiteScheduler] = [:]
    let store: Store
    let pipeline: PlacementPipeline
    let clock: any WallClock

    public init(store: Store, pipeline: PlacementPipeline = .standard, clock: any WallClock = SystemClock()) {
        self.store = store
        self.pipeline = pipeline
        self.clock = clock
    }

    public func scheduler(for site: Site.ID) -> SiteScheduler {
        if let existing = schedulers[site] { return existing }
        let created = SiteScheduler(site: site, store: store, pipeline: pipeline, clock: clock)
        schedulers[site] = created
        return created
    }
}

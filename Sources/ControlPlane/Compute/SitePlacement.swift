public import CloudModel
import Foundation
public import StateStore

/// Which site a boot goes to, and this controller's part in what other sites know of its site:
/// the capacity summary it publishes to `global`.
public struct SitePlacement: Sendable {
    let store: Store
    let sites: SiteDirectory
    let schedulers: SchedulerPool
    let site: Site.ID
    let clock: any WallClock
    /// Summaries older than this are not trusted for placement.
    static let summaryFreshness: TimeInterval = 60

    public init(store: Store, sites: SiteDirectory, schedulers: SchedulerPool, site: Site.ID, clock: any WallClock) {
        self.store = store
        self.sites = sites
        self.schedulers = schedulers
        self.site = site
        self.clock = clock
    }

    /// The requested zone, or this controller's site when it can take the flavor, else the
    /// nearest site whose capacity summary in `global` (fresh within a minute) says it may: no
    /// other site's keyspace is read. With no site able, this controller's (the boot then fails
    /// there with the scheduler's reason).
    public func chooseSite(zone: String?, flavor: Flavor) async throws -> Site {
        if let zone {
            guard let site = await sites.site(zone) else {
                throw ControlPlaneError.badRequest("The requested availability zone is not available")
            }
            return site
        }
        let ordered = await sites.byDistance(from: site)
        guard let first = ordered.first else { throw ControlPlaneError(.unavailable, "No site is registered.") }
        if try await schedulers.scheduler(for: first.id).canFit(flavor.resources) { return first }
        let summaries = (try? await store.capacities.all()) ?? []
        let now = clock.now()
        for candidate in ordered.dropFirst() {
            if let summary = summaries.first(where: { $0.site == candidate.id }),
               now.timeIntervalSince(summary.updatedAt) < Self.summaryFreshness, summary.mayFit(flavor.resources) {
                return candidate
            }
        }
        return first
    }

    /// Publishes this controller's site's capacity summary in `global` when it changed (or is
    /// 30 s old). Several controllers of a site may race: the compare-and-set keeps one.
    public func publishCapacity() async throws {
        let current = try await schedulers.scheduler(for: site).capacity()
        let stored = try await store.capacities.find(site)
        if let stored, stored.value.sameFigures(as: current), clock.now().timeIntervalSince(stored.value.updatedAt) < 30 { return }
        var txn = Transaction()
        store.capacities.stagePut(current, expecting: stored?.revision, into: &txn)
        do { try await store.commit(txn, in: .global) } catch let error as StoreError where error.code == .conflict {}
    }
}

public import CloudModel
import Foundation
public import StateStore

/// Where the live controllers of the other sites are, for forwarding requests and fetching image
/// bytes. Read from each site's controller liveness leases (every controller renews its lease
/// with the URL it serves at), refreshed in the background per site, so a controller that died,
/// or one that was added, is known within a refresh without any configuration.
///
/// `routes` maps an advertised URL to the one this site reaches it at, where they differ (the
/// lab's WAN emulator has one relay per pair of sites; a real deployment needs none). A site
/// whose keyspace cannot be read keeps its last known controllers: requests to it then fail
/// fast at the HTTP hop, as they would anyway.
public actor SiteControllers {
    let store: Store
    let site: Site.ID
    let others: [Site.ID]
    let routes: [String: String]
    let refreshEvery: Duration
    private var known: [Site.ID: [String]] = [:]
    private var readAt: [Site.ID: ContinuousClock.Instant] = [:]
    private var reading: [Site.ID: Task<Void, Never>] = [:]
    /// A site seen with no live controller is read again on demand after this long (one that
    /// has just started is found at once, a site that has none costs one read per interval).
    static let emptyRetry: Duration = .milliseconds(250)

    /// - Parameters:
    ///   - site: this controller's site (never listed).
    ///   - sites: every site of the cloud.
    public init(store: Store, site: Site.ID, sites: [Site.ID], routes: [String: String] = [:],
                refreshEvery: Duration = .seconds(3)) {
        self.store = store
        self.site = site
        self.others = sites.filter { $0 != site }
        self.routes = routes
        self.refreshEvery = refreshEvery
    }

    /// The URLs of `site`'s live controllers as reached from here, in a random order (load is
    /// spread; callers try them in turn). Read from the store on first use, then cached.
    public func controllers(of site: Site.ID) async -> [String] {
        if known[site]?.isEmpty ?? true {
            if let running = reading[site] {
                await running.value
            } else if readAt[site].map({ ContinuousClock.now - $0 > Self.emptyRetry }) ?? true {
                await refresh(site)
            }
        }
        return (known[site] ?? []).shuffled()
    }

    /// Reads `site`'s controller leases now; concurrent callers share one read.
    public func refresh(_ site: Site.ID) async {
        if let running = reading[site] { return await running.value }
        let read = Task { await self.read(site) }
        reading[site] = read
        await read.value
        reading[site] = nil
    }

    private func read(_ site: Site.ID) async {
        readAt[site] = .now
        guard let leases = try? await store.leases(site).live(.controller) else { return }
        known[site] = Set(leases.values).sorted().map { routes[$0] ?? $0 }
    }

    /// Refreshes every other site until cancelled, each on its own loop (a site that does not
    /// answer delays no other).
    public func run() async {
        await withDiscardingTaskGroup { group in
            for site in others {
                group.addTask {
                    while !Task.isCancelled {
                        await self.refresh(site)
                        try? await Task.sleep(for: self.refreshEvery)
                    }
                }
            }
        }
    }
}

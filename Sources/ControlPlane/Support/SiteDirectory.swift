public import CloudModel
import Foundation
public import StateStore

/// The site registry as this controller last read it from `global`, refreshed in the background.
/// Reads never wait for the store, so a partitioned controller still knows every site.
public actor SiteDirectory {
    private var sites: [Site] = []
    private let store: Store
    /// Round-trip times (ms) from this controller's site; others are estimated from distance.
    private let latencyMS: [Site.ID: Double]

    public init(store: Store, latencyMS: [Site.ID: Double] = [:]) {
        self.store = store
        self.latencyMS = latencyMS
    }

    public func refresh() async throws {
        let fresh = try await store.sites.all()
        if !fresh.isEmpty { sites = fresh }
    }

    public func all() -> [Site] { sites }

    public func site(_ id: Site.ID) -> Site? { sites.first { $0.id == id } }

    public func site(index: UInt16) -> Site? { sites.first { $0.index == index } }

    /// The home site of a site-scoped resource ID, read from the ID alone.
    public func home(of resourceID: String) -> Site? {
        ResourceID.siteIndex(of: resourceID).flatMap { site(index: $0) }
    }

    /// Sites ordered by distance from `origin`, nearest first (`origin` itself first): by the
    /// latency matrix where it has the site, else by great-circle distance (1 ms per 100 km).
    public func byDistance(from origin: Site.ID) -> [Site] {
        guard let here = site(origin) else { return sites }
        func rtt(_ site: Site) -> Double { site.id == origin ? -1 : latencyMS[site.id] ?? here.distance(to: site) / 100 }
        return sites.sorted { (rtt($0), $0.index) < (rtt($1), $1.index) }
    }
}

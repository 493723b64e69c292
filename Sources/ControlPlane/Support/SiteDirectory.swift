import CloudModel
import Foundation
import StateStore

/// The site registry as this controller last read it from `global`, refreshed in the background.
/// Reads never wait for the store, so a partitioned controller still knows every site.
public actor SiteDirectory {
    private var sites: [Site] = []
    private let store: Store

    public init(store: Store) {
        self.store = store
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

    /// Sites ordered by distance from `origin`, nearest first (`origin` itself first).
    public func byDistance(from origin: Site.ID) -> [Site] {
        guard let here = site(origin) else { return sites }
        return sites.sorted { here.distance(to: $0) < here.distance(to: $1) }
    }
}

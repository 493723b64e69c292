/// The controller's list of API services, with the look-ups the edge needs.
public struct APIServices: Sendable {
    public let all: [APIService]

    public init(_ all: [APIService]) {
        self.all = all
    }

    /// The catalog entries, in list order.
    public var catalog: [CatalogEntry] { all.compactMap(\.catalog) }

    /// Every site-scoped route of every service.
    public var siteScopedRoutes: [SiteScopedRoute] { all.flatMap(\.siteScopedRoutes) }

    /// The service a request path belongs to (the longest matching prefix), if any.
    public func service(forPath path: String) -> APIService? {
        all.filter { path == $0.pathPrefix || path.hasPrefix($0.pathPrefix + "/") }
            .max { $0.pathPrefix.count < $1.pathPrefix.count }
    }
}

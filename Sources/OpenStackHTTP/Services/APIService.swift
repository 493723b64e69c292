public import ControlPlane
public import Hummingbird

/// What one API module declares about itself, in one place: its catalog entry, its error style
/// and status table, the routes whose resources live at one site, and how to register its routes.
///
/// The controller's one list of these (`ControllerApplication.services`) is what the catalog, the
/// error middleware, the router and the site forwarding read; nothing else lists services. A new
/// API module declares a `service` and is added to that list.
public struct APIService: Sendable {
    /// The service's entry in the Keystone catalog; nil for endpoints that are not in it.
    public var catalog: CatalogEntry?
    /// Requests whose path starts with this belong to the service (`/compute`).
    public var pathPrefix: String
    /// How its error bodies look.
    public var errorStyle: ErrorStyle
    /// Which status each control-plane error code gets.
    public var statuses: StatusTable
    /// The requests about resources of one site, and how their home site is found.
    public var siteScopedRoutes: [SiteScopedRoute]
    /// Adds the service's routes to a controller's router.
    public var register: @Sendable (Router<APIRequestContext>, APIServiceContext) -> Void

    public init(catalog: CatalogEntry?, pathPrefix: String, errorStyle: ErrorStyle, statuses: StatusTable = StatusTable(),
                siteScopedRoutes: [SiteScopedRoute] = [],
                register: @escaping @Sendable (Router<APIRequestContext>, APIServiceContext) -> Void) {
        self.catalog = catalog
        self.pathPrefix = pathPrefix
        self.errorStyle = errorStyle
        self.statuses = statuses
        self.siteScopedRoutes = siteScopedRoutes
        self.register = register
    }
}

/// What a service's routes are built over: the controller's control plane, and the catalog of
/// every service (Keystone hands it out).
public struct APIServiceContext: Sendable {
    public let cloud: ControlPlane
    public let catalog: [CatalogEntry]

    public init(cloud: ControlPlane, catalog: [CatalogEntry]) {
        self.cloud = cloud
        self.catalog = catalog
    }
}

public import AsyncHTTPClient
import ComputeAPI
public import ControlPlane
public import Hummingbird
import IdentityAPI
import ImageAPI
import NetworkAPI
import VolumeAPI
public import InternalAPI
public import OpenStackHTTP
public import SiteRouting

/// Builds the HTTP router of a controller: every API service of `services` and the internal
/// endpoints, behind the one middleware that maps errors. Production and tests use the same function.
public enum ControllerApplication {
    /// The API services every controller serves: **the one list of services**. A new API module
    /// declares its `APIService` (catalog entry, error style and statuses, site-scoped routes,
    /// routes) and is added here; the catalog, the error middleware, the router and the site
    /// forwarding all read this list.
    public static let services: [APIService] = [
        IdentityRoutes.service,
        ComputeRoutes.service,
        ImageRoutes.service,
        NetworkRoutes.service,
        VolumeRoutes.service,
    ]

    /// - Parameter forwarding: with a client and the directory of other sites' controllers,
    ///   requests about another site's resources are forwarded there (autonomous sites); without,
    ///   served here (one shared store).
    public static func router(cloud: ControlPlane, secret: ClusterSecret,
                              forwarding: (client: HTTPClient, controllers: SiteControllers)? = nil) -> Router<APIRequestContext>
    {
        let services = APIServices(Self.services + [InternalRoutes.service(secret: secret)])
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: OpenStackMiddleware(identity: cloud.identity, services: services))
        if let forwarding {
            router.add(middleware: SiteForwardingMiddleware(cloud: cloud, routes: services.siteScopedRoutes,
                                                            client: forwarding.client, controllers: forwarding.controllers))
        }
        let names = JSON.array(services.catalog.map { .string($0.type) })
        router.get("/") { _, _ in Response.json(.object([("name", "LUC OS"), ("services", names)])) }
        router.get("/healthz") { _, _ in Response.json(.object([("status", "ok")])) }
        let context = APIServiceContext(cloud: cloud, catalog: services.catalog)
        for service in services.all { service.register(router, context) }
        return router
    }
}

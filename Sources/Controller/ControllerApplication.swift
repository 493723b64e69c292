import ComputeAPI
import ControlPlane
import Hummingbird
import IdentityAPI
import ImageAPI
import InternalAPI
import OpenStackHTTP
import AsyncHTTPClient
import SiteRouting

/// Builds the HTTP router of a controller: every OpenStack API and the internal endpoints,
/// behind the one middleware that maps errors. Production and tests use the same function.
public enum ControllerApplication {
    /// - Parameter forwarding: with a client and the directory of other sites' controllers,
    ///   requests about another site's servers are forwarded there (autonomous sites); without,
    ///   served here (one shared store).
    public static func router(cloud: ControlPlane, secret: ClusterSecret,
                              forwarding: (client: HTTPClient, controllers: SiteControllers)? = nil) -> Router<APIRequestContext>
    {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: OpenStackMiddleware(identity: cloud.identity))
        if let forwarding {
            router.add(middleware: SiteForwardingMiddleware(cloud: cloud, client: forwarding.client,
                                                            controllers: forwarding.controllers))
        }
        router.get("/") { _, _ in
            Response.json(.object([("name", "LUC OS"), ("services", ["identity", "compute", "image"])]))
        }
        router.get("/healthz") { _, _ in Response.json(.object([("status", "ok")])) }
        IdentityRoutes(cloud: cloud).register(on: router)
        ComputeRoutes(cloud: cloud).register(on: router)
        ImageRoutes(cloud: cloud).register(on: router)
        InternalRoutes(cloud: cloud, secret: secret).register(on: router)
        return router
    }
}

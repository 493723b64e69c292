import ControlPlane
import HTTPTypes
public import OpenStackHTTP

extension NetworkRoutes {
    /// Neutron v2.0 at `/networking`, in the controller's service list. Networks, subnets and
    /// security groups are global; a port lives at its site and requests about one go there.
    public static let service = APIService(
        catalog: CatalogEntry(type: "network", name: "neutron", path: "/networking"),
        pathPrefix: "/networking", errorStyle: .network, statuses: StatusTable([.overLimit: 409]),
        siteScopedRoutes: [SiteScopedRoute("/networking/v2.0/ports/{id}", home: .idInPath),
                           SiteScopedRoute("/networking/v2.0/floatingips/{id}", home: .idInPath)]
    ) { router, context in
        NetworkRoutes(cloud: context.cloud).register(on: router)
    }
}

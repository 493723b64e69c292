import ControlPlane
import HTTPTypes
public import OpenStackHTTP

extension ComputeRoutes {
    /// Nova v2.1 at `/compute`, in the controller's service list. Servers are site-scoped: a
    /// request about one goes to its home site (from its ID), a boot to the zone it names.
    public static let service = APIService(
        catalog: CatalogEntry(type: "compute", name: "nova", path: "/compute/v2.1"),
        pathPrefix: "/compute", errorStyle: .compute, statuses: StatusTable([.overLimit: 403]),
        siteScopedRoutes: [
            // A show whose site is cut off is answered here from the site's sightings (2.69).
            SiteScopedRoute(.get, "/compute/v2.1/servers/{id}", home: .idInPath, answersWhenUnreachable: true),
            SiteScopedRoute("/compute/v2.1/servers/{id}/**", home: .idInPath),
            SiteScopedRoute(.post, "/compute/v2.1/servers", home: .zoneInBody(["server", "availability_zone"])),
        ]
    ) { router, context in
        ComputeRoutes(cloud: context.cloud).register(on: router)
    }
}

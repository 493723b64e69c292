import ControlPlane
public import OpenStackHTTP

extension ImageRoutes {
    /// Glance v2 at `/image`, in the controller's service list. Image metadata is global and any
    /// controller serves the bytes (fetching them from the site holding them): nothing is forwarded.
    public static let service = APIService(
        catalog: CatalogEntry(type: "image", name: "glance", path: "/image"),
        pathPrefix: "/image", errorStyle: .image, statuses: StatusTable([.overLimit: 413])
    ) { router, context in
        ImageRoutes(cloud: context.cloud).register(on: router)
    }
}

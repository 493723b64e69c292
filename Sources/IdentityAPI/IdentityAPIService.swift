public import OpenStackHTTP

extension IdentityRoutes {
    /// Keystone v3 at `/identity`, in the controller's service list.
    public static let service = APIService(
        catalog: CatalogEntry(type: "identity", name: "keystone", path: "/identity"),
        pathPrefix: "/identity", errorStyle: .identity
    ) { router, context in
        IdentityRoutes(cloud: context.cloud, services: context.catalog).register(on: router)
    }
}

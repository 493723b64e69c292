public import OpenStackHTTP

extension InternalRoutes {
    /// The endpoints agents and peer controllers call, at `/internal`; not in the catalog.
    public static func service(secret: ClusterSecret) -> APIService {
        APIService(catalog: nil, pathPrefix: "/internal", errorStyle: .plain) { router, context in
            InternalRoutes(cloud: context.cloud, secret: secret).register(on: router)
        }
    }
}

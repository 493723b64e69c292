public import ControlPlane
import HTTPTypes
public import Hummingbird
public import OpenStackHTTP

/// Nova's compute API v2.1 at microversion 2.1: the version documents and every resource route.
public struct ComputeRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL }

    public init(cloud: ControlPlane) {
        self.cloud = cloud
    }

    static let apiVersion = HTTPField.Name("OpenStack-API-Version")!
    static let legacyVersion = HTTPField.Name("X-OpenStack-Nova-API-Version")!

    public func register(on router: Router<APIRequestContext>) {
        router.get("/compute") { _, _ in Response.json(.object([("versions", .array([version("v2.0"), version("v2.1")]))])) }
        router.get("/compute/v2") { _, _ in Response.json(.object([("version", version("v2.0"))])) }
        router.get("/compute/v2.1") { _, _ in Response.json(.object([("version", version("v2.1"))])) }
        let v21 = router.group("/compute/v2.1").add(middleware: MicroversionMiddleware())
        ServerRoutes(cloud: cloud).register(on: v21)
        FlavorRoutes(cloud: cloud).register(on: v21)
        KeypairRoutes(cloud: cloud).register(on: v21)
        LimitRoutes(cloud: cloud).register(on: v21)
        QuotaSetRoutes(cloud: cloud).register(on: v21)
        AvailabilityZoneRoutes(cloud: cloud).register(on: v21)
        HypervisorRoutes(cloud: cloud).register(on: v21)
        TenantUsageRoutes(cloud: cloud).register(on: v21)
    }

    func version(_ id: String) -> JSON {
        let current = id == "v2.1"
        return .object([
            ("id", .string(id)), ("status", current ? "CURRENT" : "SUPPORTED"),
            ("version", current ? "2.1" : ""), ("min_version", current ? "2.1" : ""),
            ("updated", current ? "2013-07-23T11:33:21Z" : "2011-01-21T11:33:21Z"),
            ("links", [.object([("rel", "self"), ("href", .string("\(base)/compute/\(id == "v2.0" ? "v2" : "v2.1")/"))])]),
            ("media-types", [.object([("base", "application/json"),
                                      ("type", .string("application/vnd.openstack.compute+json;version=\(id == "v2.0" ? "2" : "2.1")"))])]),
        ])
    }
}

/// Serves microversion 2.1 only: refuses higher requested versions with 406, as Nova does, and
/// echoes the version served.
struct MicroversionMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var requested: String? = nil
        if let header = request.headers[ComputeRoutes.apiVersion] {
            let parts = header.split(separator: " ")
            if parts.count == 2, parts[0].lowercased() == "compute" { requested = String(parts[1]) }
        } else if let legacy = request.headers[ComputeRoutes.legacyVersion] {
            requested = legacy
        }
        if let requested, requested != "2.1", requested.lowercased() != "latest" {
            let pieces = requested.split(separator: ".")
            guard pieces.count == 2, pieces[0] == "2", let minor = Int(pieces[1]) else {
                throw APIError.badRequest("API Version String \(requested) is of invalid format. Must be of format MajorNum.MinorNum.")
            }
            if minor > 1 || minor < 1 {
                throw APIError(status: 406, message: "Version \(requested) is not supported by the API. Minimum is 2.1 and maximum is 2.1.")
            }
        }
        var response = try await next(request, context)
        response.headers[ComputeRoutes.apiVersion] = "compute 2.1"
        response.headers[ComputeRoutes.legacyVersion] = "2.1"
        response.headers[.vary] = "OpenStack-API-Version, X-OpenStack-Nova-API-Version"
        return response
    }
}

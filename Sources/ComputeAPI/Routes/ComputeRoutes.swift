import Foundation
public import ControlPlane
import HTTPTypes
public import Hummingbird
public import OpenStackHTTP

/// Nova's compute API v2.1, microversions 2.1 to `ComputeMicroversions.maximum`: the version
/// documents and every resource route.
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
        InterfaceRoutes(cloud: cloud).register(on: v21)
        VolumeAttachmentRoutes(cloud: cloud).register(on: v21)
        FlavorRoutes(cloud: cloud).register(on: v21)
        KeypairRoutes(cloud: cloud).register(on: v21)
        ServerGroupRoutes(cloud: cloud).register(on: v21)
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
            ("version", current ? .string("\(ComputeMicroversions.maximum)") : ""),
            ("min_version", current ? .string("\(ComputeMicroversions.minimum)") : ""),
            ("updated", current ? "2013-07-23T11:33:21Z" : "2011-01-21T11:33:21Z"),
            ("links", [.object([("rel", "self"), ("href", .string("\(base)/compute/\(id == "v2.0" ? "v2" : "v2.1")/"))])]),
            ("media-types", [.object([("base", "application/json"),
                                      ("type", .string("application/vnd.openstack.compute+json;version=\(id == "v2.0" ? "2" : "2.1")"))])]),
        ])
    }
}

/// Negotiates the compute microversion: `OpenStack-API-Version: compute X.Y` or
/// `X-OpenStack-Nova-API-Version: X.Y` (`latest` is the maximum served), 2.1 without either;
/// 400 for a malformed version, 406 outside 2.1…maximum, as Nova. The version served is put in
/// the request context and echoed in the response, with `Vary`.
struct MicroversionMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    static func requested(_ request: Request) throws -> APIVersion {
        var text: String? = nil
        if let header = request.headers[ComputeRoutes.apiVersion] {
            // "compute 2.19" (other services' entries in the same header are ignored)
            for entry in header.split(separator: ",") {
                let parts = entry.split(separator: " ", omittingEmptySubsequences: true)
                if parts.count == 2, parts[0].lowercased() == "compute" { text = String(parts[1]) }
            }
        } else if let legacy = request.headers[ComputeRoutes.legacyVersion] {
            text = legacy.trimmingCharacters(in: .whitespaces)
        }
        guard let text else { return ComputeMicroversions.minimum }
        if text.lowercased() == "latest" { return ComputeMicroversions.maximum }
        guard let version = APIVersion(parsing: text) else {
            throw APIError.badRequest("API Version String \(text) is of invalid format. Must be of format MajorNum.MinorNum.")
        }
        guard version >= ComputeMicroversions.minimum, version <= ComputeMicroversions.maximum else {
            throw APIError(status: 406, message: "Version \(text) is not supported by the API. Minimum is \(ComputeMicroversions.minimum) and maximum is \(ComputeMicroversions.maximum).")
        }
        return version
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let version = try Self.requested(request)
        context.apiVersion = version
        var response = try await next(request, context)
        Self.echo(version, into: &response)
        return response
    }

    static func echo(_ version: APIVersion, into response: inout Response) {
        response.headers[ComputeRoutes.apiVersion] = "compute \(version)"
        response.headers[ComputeRoutes.legacyVersion] = "\(version)"
        response.headers[.vary] = "OpenStack-API-Version, X-OpenStack-Nova-API-Version"
    }
}

import HTTPTypes
import Hummingbird
import OpenStackHTTP

/// Cinder's microversion negotiation: the `OpenStack-API-Version: volume X.Y` header picks a
/// version between 3.0 and `VolumeMicroversions.maximum` (`latest` is the maximum, none is 3.0);
/// one outside gets 406 as Cinder answers it. The version is answered in the same header.
struct VolumeMicroversion: RouterMiddleware {
    typealias Context = APIRequestContext
    static let header = HTTPField.Name("OpenStack-API-Version")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var chosen = VolumeMicroversions.minimum
        if let header = request.headers[Self.header] {
            for entry in header.split(separator: ",") {
                let parts = entry.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count == 2, parts[0].lowercased() == "volume" else { continue }
                let text = String(parts[1])
                if text.lowercased() == "latest" { chosen = VolumeMicroversions.maximum; break }
                guard let version = APIVersion(parsing: text) else {
                    throw APIError.badRequest("API Version String \(text) is of invalid format. Must be of format MajorNum.MinorNum.")
                }
                guard version >= VolumeMicroversions.minimum, version <= VolumeMicroversions.maximum else {
                    throw APIError(status: 406, message: "Version \(text) is not supported by the API. Minimum is \(VolumeMicroversions.minimum) and maximum is \(VolumeMicroversions.maximum).")
                }
                chosen = version
            }
        }
        var context = context
        context.apiVersion = chosen
        var response = try await next(request, context)
        response.headers[Self.header] = "volume \(chosen)"
        response.headers[.vary] = "OpenStack-API-Version"
        return response
    }
}

extension APIRequestContext {
    /// The block-storage microversion of the request (3.0 outside the negotiating middleware).
    var volumeVersion: APIVersion { apiVersion ?? VolumeMicroversions.minimum }

    /// Whether the request's microversion has `feature`.
    func serves(_ feature: VolumeFeature) -> Bool { feature.served(at: volumeVersion) }
}

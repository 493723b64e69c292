import HTTPTypes
import Hummingbird
import OpenStackHTTP

/// Cinder's microversions: this cloud serves the base version 3.0 only. A request for a higher
/// one gets 406 as Cinder answers any version beyond its maximum (`latest` is 3.0), so clients
/// that negotiate (the SDK takes the server's maximum from the version document) stay on 3.0.
struct VolumeMicroversion: RouterMiddleware {
    typealias Context = APIRequestContext
    static let header = HTTPField.Name("OpenStack-API-Version")!
    static let served = APIVersion(3, 0)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let header = request.headers[Self.header] {
            for entry in header.split(separator: ",") {
                let parts = entry.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count == 2, parts[0].lowercased() == "volume" else { continue }
                let text = String(parts[1])
                if text.lowercased() == "latest" { break }
                guard let version = APIVersion(parsing: text) else {
                    throw APIError.badRequest("API Version String \(text) is of invalid format. Must be of format MajorNum.MinorNum.")
                }
                guard version == Self.served else {
                    throw APIError(status: 406, message: "Version \(text) is not supported by the API. Minimum is \(Self.served) and maximum is \(Self.served).")
                }
            }
        }
        var context = context
        context.apiVersion = Self.served
        var response = try await next(request, context)
        response.headers[Self.header] = "volume \(Self.served)"
        response.headers[.vary] = "OpenStack-API-Version"
        return response
    }
}

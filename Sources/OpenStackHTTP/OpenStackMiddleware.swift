public import ControlPlane
import Foundation
public import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// The edge every request crosses: assigns the request ID, validates the token if one is sent,
/// and turns every error into the error body and status of the service the path belongs to
/// (`APIService.errorStyle`, `APIService.statuses`). Nothing else maps errors to HTTP.
public struct OpenStackMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext
    let identity: IdentityService
    let services: APIServices
    /// For paths of no service (`/`, `/healthz`).
    static let fallback = APIService(catalog: nil, pathPrefix: "", errorStyle: .plain) { _, _ in }

    public init(identity: IdentityService, services: APIServices) {
        self.identity = identity
        self.services = services
    }

    public static let requestIDHeader = HTTPField.Name("X-OpenStack-Request-Id")!
    public static let computeRequestIDHeader = HTTPField.Name("X-Compute-Request-Id")!
    public static let authTokenHeader = HTTPField.Name("X-Auth-Token")!

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        let requestID = "req-" + UUID().uuidString.lowercased()
        context.requestID = requestID
        context.logger[metadataKey: "request.id"] = .string(requestID)
        if let token = request.headers[Self.authTokenHeader], !token.isEmpty {
            context.token = token
            context.principal = try? await identity.validate(token)
        }
        let service = services.service(forPath: request.uri.path) ?? Self.fallback
        let style = service.errorStyle
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let (status, message) = Self.describe(error, statuses: service.statuses)
            if status >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            }
            response = Response.json(style.body(status: status, message: message, kind: (error as? ControlPlaneError)?.kind),
                                     status: .init(code: status))
            if status == 401 {
                response.headers[HTTPField.Name("WWW-Authenticate")!] = "Keystone uri=\"/identity\""
            }
        }
        response.headers[Self.requestIDHeader] = requestID
        if style == .compute { response.headers[Self.computeRequestIDHeader] = requestID }
        return response
    }

    /// Status and message for any error: the one place errors become HTTP.
    static func describe(_ error: any Error, statuses: StatusTable) -> (Int, String) {
        switch error {
        case let error as APIError: return (error.status, error.message)
        case is NIOTooManyBytesError: return (413, "Request body is too large.")
        case let error as ControlPlaneError:
            return (statuses.status(of: error.code), error.code == .internalError ? "An unexpected error occurred." : error.message)
        case let error as HTTPError:
            let status = Int(error.status.code)
            switch status {
            case 404: return (404, "The resource could not be found.")
            case 405: return (405, "The method is not allowed for this resource.")
            case 413: return (413, "Request body is too large.")
            default: return (status, error.body ?? error.status.reasonPhrase)
            }
        default:
            let mapped = ControlPlaneError.from(error)
            return (statuses.status(of: mapped.code),
                    mapped.code == .internalError ? "An unexpected error occurred." : mapped.message)
        }
    }
}

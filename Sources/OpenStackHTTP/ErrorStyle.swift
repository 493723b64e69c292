import Foundation

/// How each OpenStack service writes its error bodies.
public enum ErrorStyle: Sendable {
    /// Keystone: `{"error": {"code", "title", "message"}}`.
    case identity
    /// Nova: `{"<faultName>": {"code", "message"}}`.
    case compute
    /// Glance: `{"code", "title", "message"}` (Glance's WebOb body, as JSON).
    case image
    /// Internal endpoints: `{"error": {"code", "message"}}`.
    case plain
    /// Neutron: `{"NeutronError": {"type", "message", "detail"}}`.
    case network

    static let titles: [Int: String] = [
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
        409: "Conflict", 413: "Request Entity Too Large", 415: "Unsupported Media Type", 500: "Internal Server Error",
        501: "Not Implemented", 503: "Service Unavailable",
    ]

    static let novaFaults: [Int: String] = [
        400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound", 405: "badMethod",
        409: "conflictingRequest", 413: "overLimit", 415: "badMediaType", 429: "overLimit", 501: "notImplemented",
        503: "serviceUnavailable",
    ]

    static let neutronTypes: [Int: String] = [
        400: "HTTPBadRequest", 401: "HTTPUnauthorized", 403: "HTTPForbidden", 404: "HTTPNotFound", 405: "HTTPMethodNotAllowed",
        409: "HTTPConflict", 413: "HTTPRequestEntityTooLarge", 415: "HTTPUnsupportedMediaType", 500: "HTTPInternalServerError",
        503: "HTTPServiceUnavailable",
    ]

    /// The error body for `status` and `message`; `kind` names the fault where the style has
    /// fault names (Neutron).
    public func body(status: Int, message: String, kind: String? = nil) -> JSON {
        let title = Self.titles[status] ?? "Error"
        switch self {
        case .identity:
            return .object([("error", .object([("code", .int(status)), ("title", .string(title)), ("message", .string(message))]))])
        case .compute:
            return .object([(Self.novaFaults[status] ?? "computeFault", .object([("code", .int(status)), ("message", .string(message))]))])
        case .image:
            return .object([("code", .string("\(status) \(title)")), ("title", .string(title)), ("message", .string(message))])
        case .plain:
            return .object([("error", .object([("code", .int(status)), ("message", .string(message))]))])
        case .network:
            return .object([("NeutronError", .object([("type", .string(kind ?? Self.neutronTypes[status] ?? "HTTPError")),
                                                      ("message", .string(message)), ("detail", "")]))])
        }
    }
}

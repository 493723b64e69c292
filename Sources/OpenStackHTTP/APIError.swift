import ControlPlane

/// Errors of the HTTP edge itself (bad JSON, missing fields, unknown routes), before the control
/// plane is called. Mapped to the service's error body by `OpenStackMiddleware` like
/// `ControlPlaneError`.
public struct APIError: Error, Sendable {
    public var status: Int
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public static func badRequest(_ message: String) -> APIError { APIError(status: 400, message: message) }
    public static func notFound(_ message: String = "The resource could not be found.") -> APIError {
        APIError(status: 404, message: message)
    }

}

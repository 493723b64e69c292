public import ControlPlane
public import Hummingbird

/// The request context of every controller endpoint: the request ID and, once the token was
/// checked, who is calling.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// `req-<uuid>`, returned as `X-OpenStack-Request-Id` and used for instance actions.
    public var requestID: String = ""
    /// The validated caller, or nil when no (valid) token came with the request.
    public var principal: Principal?
    /// The raw token, for endpoints that act on the token itself.
    public var token: String?
    /// The microversion the request is served at, for APIs that have them (set by the API's
    /// version middleware); nil elsewhere.
    public var apiVersion: APIVersion?
    /// The home site of the request's resource when it did not answer and the route serves the
    /// request here instead (`SiteScopedRoute.answersWhenUnreachable`); nil otherwise.
    public var unreachableHome: String?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// JSON bodies larger than this are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }

    /// The caller; 401 when the request carried no valid token.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw ControlPlaneError.unauthorized("The request you have made requires authentication.") }
        return principal
    }
}

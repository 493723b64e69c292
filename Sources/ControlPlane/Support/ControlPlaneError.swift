import StateStore

/// The one error type of the control plane. The API edge maps `code` to an HTTP status and the
/// service's error body in one place.
public struct ControlPlaneError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case badRequest, unauthorized, forbidden, notFound, conflict, overLimit, unavailable, internalError
        }
        private let value: Value
        /// The request is malformed or names something invalid (400).
        public static let badRequest = Code(value: .badRequest)
        /// Missing, expired or revoked credentials (401).
        public static let unauthorized = Code(value: .unauthorized)
        /// Authenticated but not allowed (403).
        public static let forbidden = Code(value: .forbidden)
        /// No such resource visible to the caller (404).
        public static let notFound = Code(value: .notFound)
        /// The resource's state forbids the operation, or it exists already (409).
        public static let conflict = Code(value: .conflict)
        /// A quota would be exceeded (403 in Nova, 413 for some APIs).
        public static let overLimit = Code(value: .overLimit)
        /// A dependency (store, agent, site) is unavailable right now (503).
        public static let unavailable = Code(value: .unavailable)
        /// A bug (500).
        public static let internalError = Code(value: .internalError)
        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String
    /// The fault's name where an API reports one (Neutron's `type`: `IpAddressGenerationFailure`,
    /// `NetworkInUse`, …); nil elsewhere.
    public var kind: String?

    public init(_ code: Code, _ message: String, kind: String? = nil) {
        self.code = code
        self.message = message
        self.kind = kind
    }

    public static func badRequest(_ message: String) -> Self { Self(.badRequest, message) }
    public static func notFound(_ message: String) -> Self { Self(.notFound, message) }
    public static func conflict(_ message: String) -> Self { Self(.conflict, message) }
    public static func forbidden(_ message: String) -> Self { Self(.forbidden, message) }
    public static func unauthorized(_ message: String) -> Self { Self(.unauthorized, message) }

    public var description: String { "\(code): \(message)" }

    /// Maps errors of lower layers: a store that cannot be reached is "unavailable", a store
    /// conflict that survived the retries is a 409.
    public static func from(_ error: any Error) -> ControlPlaneError {
        switch error {
        case let error as ControlPlaneError: return error
        case let error as StoreError where error.code == .conflict:
            return .conflict("the resource was changed concurrently; retry the request")
        case let error as StoreError where error.code == .unavailable:
            // The engine's message names internal addresses: it is logged with the request, not shown.
            switch error.keyspace {
            case .some(.global):
                return ControlPlaneError(.unavailable, "The cloud's global store does not answer from this site; identity, flavor, image and keypair changes fail until it does. Try again later.")
            case let .some(keyspace):
                let site = keyspace.name.hasPrefix("site/") ? String(keyspace.name.dropFirst(5)) : keyspace.name
                return ControlPlaneError(.unavailable, "The store of site \(site) does not answer: its resources cannot be shown or changed until it does. Try again later.")
            case nil:
                return ControlPlaneError(.unavailable, "A state store does not answer. Try again later.")
            }
        default:
            return ControlPlaneError(.internalError, "\(error)")
        }
    }
}

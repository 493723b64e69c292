/// The one error type of the state store.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable { case conflict, unavailable, corrupt, invalid }
        private let value: Value
        /// A transaction condition failed: someone else wrote first. Re-read and retry.
        public static let conflict = Code(value: .conflict)
        /// The engine cannot be reached or failed to do I/O.
        public static let unavailable = Code(value: .unavailable)
        /// A stored value could not be decoded.
        public static let corrupt = Code(value: .corrupt)
        /// The call itself was malformed (empty key, transaction too large, …).
        public static let invalid = Code(value: .invalid)
        public var description: String { value.rawValue }
    }

    public var code: Code
    /// What went wrong, for logs: may name internal addresses, never shown to users.
    public var message: String
    public var cause: (any Error)?
    /// The keyspace the failed call was about, when known (set by `Store` for every call).
    public var keyspace: Keyspace?

    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public static func conflict(_ key: String) -> StoreError {
        StoreError(code: .conflict, message: "key '\(key)' changed since it was read; re-read and retry")
    }

    public static func unavailable(_ message: String, cause: (any Error)? = nil) -> StoreError {
        StoreError(code: .unavailable, message: message, cause: cause)
    }

    /// This error with `keyspace` set, if it had none: engines tag what they throw.
    public func about(_ keyspace: Keyspace) -> StoreError {
        var tagged = self
        if tagged.keyspace == nil { tagged.keyspace = keyspace }
        return tagged
    }

    public var description: String {
        "store \(code): \(message)" + (cause.map { " (cause: \($0))" } ?? "")
    }
}

/// The one error type of hypervisor drivers.
public struct DriverError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable { case notFound, invalidState, spawnFailed, unavailable }
        private let value: Value
        /// No machine with that ID on this host.
        public static let notFound = Code(value: .notFound)
        /// The operation does not apply in the machine's current state.
        public static let invalidState = Code(value: .invalidState)
        /// Creating the machine failed; nothing was left behind.
        public static let spawnFailed = Code(value: .spawnFailed)
        /// The hypervisor itself cannot be used (missing binary, out of resources).
        public static let unavailable = Code(value: .unavailable)
        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// The one error type of storage drivers.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// No such volume.
        case notFound
        /// The request cannot be met as asked (a size too small).
        case invalid
        /// The storage failed doing it (a tool failed, the disk is full).
        case failed
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

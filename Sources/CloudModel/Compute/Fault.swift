public import Foundation

/// Why a server went to ERROR, as shown to its owner.
public struct Fault: Sendable, Hashable {
    public var code: Int
    public var message: String
    public var created: Date

    public init(code: Int, message: String, created: Date) {
        self.code = code
        self.message = message
        self.created = created
    }
}

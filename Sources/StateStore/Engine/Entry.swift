public import Foundation

/// A stored value and the revision of the transaction that last wrote it.
public struct Entry: Sendable, Hashable {
    public var key: String
    public var value: Data
    public var revision: Int64

    public init(key: String, value: Data, revision: Int64) {
        self.key = key
        self.value = value
        self.revision = revision
    }
}

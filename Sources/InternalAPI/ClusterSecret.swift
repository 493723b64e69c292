import HTTPTypes

/// The shared secret that authenticates internal traffic (agent ↔ controller).
public struct ClusterSecret: Sendable {
    let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// Constant-time comparison with the header of a request.
    public func matches(_ presented: String?) -> Bool {
        guard let presented else { return false }
        let a = Array(presented.utf8), b = Array(value.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

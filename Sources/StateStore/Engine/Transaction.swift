public import Foundation

/// An atomic compare-and-set over any number of keys of one keyspace.
///
/// Every condition is checked first; if one fails, nothing is written and the commit throws
/// `StoreError.conflict`. Otherwise all mutations apply at once under one new revision.
public struct Transaction: Sendable {
    /// What a key must look like for the transaction to apply.
    public enum Condition: Sendable, Hashable {
        /// The key does not exist (or its lease expired).
        case absent(String)
        /// The key exists and was last written at this revision.
        case revision(String, equals: Int64)

        public var key: String {
            switch self {
            case let .absent(key), let .revision(key, _): key
            }
        }
    }

    public enum Mutation: Sendable, Hashable {
        /// Write `value`; with a `ttl` the key disappears unless written again in time (a lease).
        case put(String, Data, ttl: Duration? = nil)
        case delete(String)

        public var key: String {
            switch self {
            case let .put(key, _, _), let .delete(key): key
            }
        }
    }

    public var conditions: [Condition]
    public var mutations: [Mutation]
    /// Run by `Store.commit` with the new revision once the transaction applied (repositories
    /// keep the records they wrote decoded); never run for a transaction that failed.
    public var onCommit: [@Sendable (Int64) -> Void] = []

    public init(conditions: [Condition] = [], mutations: [Mutation] = []) {
        self.conditions = conditions
        self.mutations = mutations
    }

    /// Requires `key` to be at `revision`, or absent when `revision` is nil.
    public mutating func require(_ key: String, at revision: Int64?) {
        conditions.append(revision.map { .revision(key, equals: $0) } ?? .absent(key))
    }

    public mutating func put(_ key: String, _ value: Data, ttl: Duration? = nil) {
        mutations.append(.put(key, value, ttl: ttl))
    }

    public mutating func delete(_ key: String) {
        mutations.append(.delete(key))
    }

    public var isEmpty: Bool { mutations.isEmpty }
}

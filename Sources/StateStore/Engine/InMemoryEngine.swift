public import Foundation
import LUCBase

/// A complete engine in memory: the first-class test double and scale-simulation store.
///
/// Leases use the injected wall clock so that expiry can be tested without sleeping.
public actor InMemoryEngine: KeyValueEngine {
    private struct Stored {
        var value: Data
        var revision: Int64
        var expiresAt: Date?
    }

    private struct Space {
        var entries: [String: Stored] = [:]
        var sortedKeys: [String] = []
        var revision: Int64 = 0
    }

    private var spaces: [String: Space] = [:]
    private let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    public func get(_ key: String, in keyspace: Keyspace) -> Entry? {
        live(key, in: keyspace).map { Entry(key: key, value: $0.value, revision: $0.revision) }
    }

    public func getMany(_ keys: [String], in keyspace: Keyspace) -> [Entry] {
        keys.compactMap { get($0, in: keyspace) }
    }

    public func commit(_ transaction: Transaction, in keyspace: Keyspace) throws -> Int64 {
        for condition in transaction.conditions {
            switch condition {
            case let .absent(key):
                if live(key, in: keyspace) != nil { throw StoreError.conflict(key) }
            case let .revision(key, expected):
                if live(key, in: keyspace)?.revision != expected { throw StoreError.conflict(key) }
            }
        }
        var space = spaces[keyspace.name, default: Space()]
        space.revision += 1
        let clock = now()
        for mutation in transaction.mutations {
            switch mutation {
            case let .put(key, value, ttl):
                let expiry = ttl.map { clock.addingTimeInterval($0.inSeconds) }
                if space.entries[key] == nil { insertSorted(key, into: &space.sortedKeys) }
                space.entries[key] = Stored(value: value, revision: space.revision, expiresAt: expiry)
            case let .delete(key):
                if space.entries.removeValue(forKey: key) != nil { removeSorted(key, from: &space.sortedKeys) }
            }
        }
        spaces[keyspace.name] = space
        return space.revision
    }

    public func scan(prefix: String, after: String?, limit: Int, in keyspace: Keyspace) -> [Entry] {
        guard let space = spaces[keyspace.name] else { return [] }
        let start = max(after.map { upperBound($0, in: space.sortedKeys) } ?? 0, lowerBound(prefix, in: space.sortedKeys))
        var result: [Entry] = []
        var index = start
        let clock = now()
        while index < space.sortedKeys.count, result.count < limit {
            let key = space.sortedKeys[index]
            guard key.hasPrefix(prefix) else { break }
            if let stored = space.entries[key], stored.expiresAt.map({ $0 > clock }) ?? true {
                result.append(Entry(key: key, value: stored.value, revision: stored.revision))
            }
            index += 1
        }
        return result
    }

    public nonisolated func watch(prefix: String, in keyspace: Keyspace) -> AsyncStream<WatchEvent> {
        pollingWatch(prefix: prefix, in: keyspace, every: .milliseconds(50))
    }

    private func live(_ key: String, in keyspace: Keyspace) -> Stored? {
        guard let stored = spaces[keyspace.name]?.entries[key] else { return nil }
        if let expiry = stored.expiresAt, expiry <= now() { return nil }
        return stored
    }

    private func lowerBound(_ key: String, in keys: [String]) -> Int {
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid].utf8.lexicographicallyPrecedes(key.utf8) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private func upperBound(_ key: String, in keys: [String]) -> Int {
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if key.utf8.lexicographicallyPrecedes(keys[mid].utf8) { high = mid } else { low = mid + 1 }
        }
        return low
    }

    private func insertSorted(_ key: String, into keys: inout [String]) {
        keys.insert(key, at: lowerBound(key, in: keys))
    }

    private func removeSorted(_ key: String, from keys: inout [String]) {
        let index = lowerBound(key, in: keys)
        if index < keys.count, keys[index] == key { keys.remove(at: index) }
    }
}

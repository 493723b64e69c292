import Foundation

/// The contract every state engine fulfils (in-memory, embedded SQLite, Redis), checked by
/// `StoreConformance`.
///
/// Keys are UTF-8 strings, ordered bytewise. Expired leases are invisible to every call.
///
/// A `StoreError` an engine throws names the keyspace of the call (`StoreError.about`), so that
/// what users are told can say which site's store failed without the engine's details.
public protocol KeyValueEngine: Sendable {
    /// The entry at `key`, or nil.
    func get(_ key: String, in keyspace: Keyspace) async throws -> Entry?

    /// The entries at `keys` that exist, in the order asked.
    func getMany(_ keys: [String], in keyspace: Keyspace) async throws -> [Entry]

    /// Applies `transaction` atomically and returns its new revision.
    /// - Throws: `StoreError.conflict` when a condition fails; nothing is written then.
    func commit(_ transaction: Transaction, in keyspace: Keyspace) async throws -> Int64

    /// Up to `limit` entries whose key starts with `prefix` and sorts after `after`, in key order.
    func scan(prefix: String, after: String?, limit: Int, in keyspace: Keyspace) async throws -> [Entry]

    /// Changes under `prefix` from now on, until the consumer stops iterating.
    func watch(prefix: String, in keyspace: Keyspace) -> AsyncStream<WatchEvent>
}

extension KeyValueEngine {
    public func getMany(_ keys: [String], in keyspace: Keyspace) async throws -> [Entry] {
        var found: [Entry] = []
        for key in keys {
            if let entry = try await get(key, in: keyspace) { found.append(entry) }
        }
        return found
    }

    /// Every entry under `prefix`, paging through the engine.
    public func scanAll(prefix: String, in keyspace: Keyspace, pageSize: Int = 1000) async throws -> [Entry] {
        var all: [Entry] = []
        var after: String? = nil
        while true {
            let page = try await scan(prefix: prefix, after: after, limit: pageSize, in: keyspace)
            all.append(contentsOf: page)
            guard page.count == pageSize, let last = page.last else { return all }
            after = last.key
        }
    }

    /// A watch built on repeated scans; fine for engines without change notifications.
    public func pollingWatch(prefix: String, in keyspace: Keyspace, every interval: Duration = .milliseconds(250))
        -> AsyncStream<WatchEvent>
    {
        AsyncStream { continuation in
            let task = Task {
                var known: [String: Int64] = [:]
                if let initial = try? await scanAll(prefix: prefix, in: keyspace) {
                    for entry in initial { known[entry.key] = entry.revision }
                }
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    guard let current = try? await scanAll(prefix: prefix, in: keyspace) else { continue }
                    var seen = Set<String>()
                    for entry in current {
                        seen.insert(entry.key)
                        if known[entry.key] != entry.revision {
                            known[entry.key] = entry.revision
                            continuation.yield(.put(entry))
                        }
                    }
                    for key in known.keys where !seen.contains(key) {
                        known[key] = nil
                        continuation.yield(.deleted(key: key))
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

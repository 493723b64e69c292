import Synchronization

/// Decoded records by key and revision, so that reading an unchanged record again costs a
/// dictionary lookup instead of a JSON decode. A hit requires the stored revision to match, so
/// the cache can never return stale data: engines give every key a transaction writes that
/// transaction's revision, unique in its keyspace, and the keys of one cache are unique across
/// keyspaces (records named by IDs that name their site). Writes through `Store.commit` put the
/// value they wrote at its new revision (`remember`), so the next read of it decodes nothing.
/// Bounded: past `capacity` entries it starts afresh.
public final class DecodedRecordCache<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: (Int64, Value)]>([:])
    let capacity: Int

    public init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    func value(for entry: Entry, decode: (Entry) throws -> Value) rethrows -> Value {
        if let (revision, value) = entries.withLock({ $0[entry.key] }), revision == entry.revision { return value }
        let value = try decode(entry)
        remember(value, at: entry.key, revision: entry.revision)
        return value
    }

    /// Records that `key` holds `value` at `revision` (called once a write of it committed).
    func remember(_ value: Value, at key: String, revision: Int64) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            if let (known, _) = entries[key], known > revision { return }
            entries[key] = (revision, value)
        }
    }

    /// Forgets `key` (its record was deleted).
    func forget(_ key: String) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }
}

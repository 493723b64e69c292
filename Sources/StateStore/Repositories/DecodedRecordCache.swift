import Synchronization

/// Decoded records by key and revision, so that reading an unchanged record again costs a
/// dictionary lookup instead of a JSON decode. A hit requires the stored revision to match, so
/// the cache can never return stale data. Bounded: past `capacity` entries it starts afresh.
public final class DecodedRecordCache<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: (Int64, Value)]>([:])
    let capacity: Int

    public init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    func value(for entry: Entry, decode: (Entry) throws -> Value) rethrows -> Value {
        if let (revision, value) = entries.withLock({ $0[entry.key] }), revision == entry.revision { return value }
        let value = try decode(entry)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[entry.key] = (entry.revision, value)
        }
        return value
    }
}

import Foundation

/// Records of one kind stored under `prefix` + id: the shared mechanics of every repository.
struct RecordTable<Record: StoredRecord>: Sendable {
    let engine: any KeyValueEngine
    let keyspace: Keyspace
    let prefix: String
    /// Decoded records kept by revision (nil: every read decodes).
    var cache: DecodedRecordCache<Record.Model>? = nil

    func key(_ id: String) -> String { prefix + id }

    func find(_ id: String) async throws -> Versioned<Record.Model>? {
        guard let entry = try await engine.get(key(id), in: keyspace) else { return nil }
        return try decode(entry)
    }

    func findMany(_ ids: [String]) async throws -> [Versioned<Record.Model>] {
        try await engine.getMany(ids.map(key), in: keyspace).map(decode)
    }

    func page(after id: String?, limit: Int) async throws -> [Versioned<Record.Model>] {
        try await engine.scan(prefix: prefix, after: id.map(key), limit: limit, in: keyspace).map(decode)
    }

    func all() async throws -> [Versioned<Record.Model>] {
        try await engine.scanAll(prefix: prefix, in: keyspace).map(decode)
    }

    func decode(_ entry: Entry) throws -> Versioned<Record.Model> {
        guard let cache else { return Versioned(try decodeModel(entry), revision: entry.revision) }
        return Versioned(try cache.value(for: entry, decode: decodeModel), revision: entry.revision)
    }

    private func decodeModel(_ entry: Entry) throws -> Record.Model {
        try RecordCodec.decode(Record.self, from: entry.value, key: entry.key).model
    }

    /// Adds "write `model` at `id` if it is still at `revision` (absent when nil)" to `txn`.
    func stagePut(_ model: Record.Model, id: String, expecting revision: Int64?, into txn: inout Transaction) {
        let key = key(id), stored = Record(model)
        txn.require(key, at: revision)
        txn.put(key, RecordCodec.encode(stored))
        if let cache {
            // What a read would decode: the model as its stored form gives it back.
            let written = stored.model
            txn.onCommit.append { cache.remember(written, at: key, revision: $0) }
        }
    }

    func stageDelete(id: String, expecting revision: Int64, into txn: inout Transaction) {
        let key = key(id)
        txn.require(key, at: revision)
        txn.delete(key)
        if let cache { txn.onCommit.append { _ in cache.forget(key) } }
    }
}

/// Escapes a free-form name so it can sit between `/` separators of a key.
enum KeyEscaping {
    static func escape(_ name: String) -> String {
        name.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
    }
}

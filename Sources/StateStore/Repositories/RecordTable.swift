import Foundation

/// Records of one kind stored under `prefix` + id: the shared mechanics of every repository.
struct RecordTable<Record: StoredRecord>: Sendable {
    let engine: any KeyValueEngine
    let keyspace: Keyspace
    let prefix: String

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
        Versioned(try RecordCodec.decode(Record.self, from: entry.value, key: entry.key).model, revision: entry.revision)
    }

    /// Adds "write `model` at `id` if it is still at `revision` (absent when nil)" to `txn`.
    func stagePut(_ model: Record.Model, id: String, expecting revision: Int64?, into txn: inout Transaction) {
        txn.require(key(id), at: revision)
        txn.put(key(id), RecordCodec.encode(Record(model)))
    }

    func stageDelete(id: String, expecting revision: Int64, into txn: inout Transaction) {
        txn.require(key(id), at: revision)
        txn.delete(key(id))
    }
}

/// Escapes a free-form name so it can sit between `/` separators of a key.
enum KeyEscaping {
    static func escape(_ name: String) -> String {
        name.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
    }
}

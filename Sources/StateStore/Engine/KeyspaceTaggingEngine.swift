/// Wraps an engine so that every `StoreError` it throws names the keyspace of the call: what
/// an error shown to a user can say (which site's store does not answer) without the engine's
/// internal details.
struct KeyspaceTaggingEngine: KeyValueEngine {
    let base: any KeyValueEngine

    private func tagged<T>(_ keyspace: Keyspace, _ call: () async throws -> T) async throws -> T {
        do { return try await call() } catch var error as StoreError {
            if error.keyspace == nil { error.keyspace = keyspace }
            throw error
        }
    }

    func get(_ key: String, in keyspace: Keyspace) async throws -> Entry? {
        try await tagged(keyspace) { try await base.get(key, in: keyspace) }
    }

    func getMany(_ keys: [String], in keyspace: Keyspace) async throws -> [Entry] {
        try await tagged(keyspace) { try await base.getMany(keys, in: keyspace) }
    }

    func commit(_ transaction: Transaction, in keyspace: Keyspace) async throws -> Int64 {
        try await tagged(keyspace) { try await base.commit(transaction, in: keyspace) }
    }

    func scan(prefix: String, after: String?, limit: Int, in keyspace: Keyspace) async throws -> [Entry] {
        try await tagged(keyspace) { try await base.scan(prefix: prefix, after: after, limit: limit, in: keyspace) }
    }

    func watch(prefix: String, in keyspace: Keyspace) -> AsyncStream<WatchEvent> {
        base.watch(prefix: prefix, in: keyspace)
    }
}

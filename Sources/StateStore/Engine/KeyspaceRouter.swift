import Foundation

/// Puts each keyspace on its own engine: the *autonomous sites* deployment. Site keyspaces go to
/// their site's engine; `global` is written to its primary and read from a nearby replica when
/// one is given (reads may then lag the primary by the replication delay, which compare-and-set
/// writes detect and retry).
public struct KeyspaceRouter: KeyValueEngine {
    let globalPrimary: any KeyValueEngine
    let globalReads: any KeyValueEngine
    let sites: [String: any KeyValueEngine]

    /// - Parameters:
    ///   - global: the engine holding `global` (its primary).
    ///   - globalReplica: a read replica of `global` near this process, if any.
    ///   - sites: site ID → the engine holding `site/<id>`.
    public init(global: any KeyValueEngine, globalReplica: (any KeyValueEngine)? = nil, sites: [String: any KeyValueEngine]) {
        globalPrimary = global
        globalReads = globalReplica ?? global
        self.sites = sites
    }

    func engine(_ keyspace: Keyspace, write: Bool) throws -> any KeyValueEngine {
        if keyspace == .global { return write ? globalPrimary : globalReads }
        let site = keyspace.name.hasPrefix("site/") ? String(keyspace.name.dropFirst(5)) : keyspace.name
        guard let engine = sites[site] else {
            throw StoreError(code: .invalid, message: "no store is configured for keyspace \(keyspace)")
        }
        return engine
    }

    public func get(_ key: String, in keyspace: Keyspace) async throws -> Entry? {
        try await engine(keyspace, write: false).get(key, in: keyspace)
    }

    public func getMany(_ keys: [String], in keyspace: Keyspace) async throws -> [Entry] {
        try await engine(keyspace, write: false).getMany(keys, in: keyspace)
    }

    public func commit(_ transaction: Transaction, in keyspace: Keyspace) async throws -> Int64 {
        try await engine(keyspace, write: true).commit(transaction, in: keyspace)
    }

    public func scan(prefix: String, after: String?, limit: Int, in keyspace: Keyspace) async throws -> [Entry] {
        try await engine(keyspace, write: false).scan(prefix: prefix, after: after, limit: limit, in: keyspace)
    }

    public func watch(prefix: String, in keyspace: Keyspace) -> AsyncStream<WatchEvent> {
        pollingWatch(prefix: prefix, in: keyspace)
    }
}

import Foundation
public import NIOCore
public import StateStore

/// The distributed engine: each keyspace in one Redis server (or one slot of a Redis Cluster),
/// keys as hashes `{v, r}` under the keyspace's hash tag, an ordered index (sorted set) for
/// prefix scans, a revision counter, and every transaction as one Lua script (one round trip).
///
/// Durability follows the server's configuration: run Redis with `appendonly yes` and
/// `appendfsync everysec` (or `always`); with `replicasToWait` > 0 each commit also waits for
/// that many replicas (Redis `WAIT`) before it is acknowledged.
public final class RedisEngine: KeyValueEngine {
    let client: RedisClient
    let replicasToWait: Int
    let waitTimeoutMS: Int
    private let scripts = ScriptCache()

    public init(endpoint: RedisClient.Endpoint, poolSize: Int = 4, timeout: TimeAmount = .seconds(2),
                replicasToWait: Int = 0, waitTimeoutMS: Int = 1000) {
        client = RedisClient(endpoint: endpoint, poolSize: poolSize, timeout: timeout)
        self.replicasToWait = replicasToWait
        self.waitTimeoutMS = waitTimeoutMS
    }

    public var endpoint: RedisClient.Endpoint { client.endpoint }

    static func tag(_ keyspace: Keyspace) -> String { "luc:{\(keyspace.name)}" }
    static func dataKey(_ keyspace: Keyspace, _ key: String) -> [UInt8] { Array("\(tag(keyspace)):k:".utf8) + Array(key.utf8) }
    static func revisionKey(_ keyspace: Keyspace) -> [UInt8] { Array("\(tag(keyspace)):rev".utf8) }
    static func indexKey(_ keyspace: Keyspace) -> [UInt8] { Array("\(tag(keyspace)):idx".utf8) }

    static func failure(_ value: RESPValue) -> StoreError? {
        if case let .error(message) = value { return StoreError.unavailable("redis: \(message)") }
        return nil
    }

    public func get(_ key: String, in keyspace: Keyspace) async throws -> Entry? {
        try await getMany([key], in: keyspace).first
    }

    public func getMany(_ keys: [String], in keyspace: Keyspace) async throws -> [Entry] {
        do { return try await fetch(keys, in: keyspace) } catch let error as StoreError { throw error.about(keyspace) }
    }

    public func commit(_ transaction: Transaction, in keyspace: Keyspace) async throws -> Int64 {
        do { return try await write(transaction, in: keyspace) } catch let error as StoreError { throw error.about(keyspace) }
    }

    public func scan(prefix: String, after: String?, limit: Int, in keyspace: Keyspace) async throws -> [Entry] {
        do { return try await list(prefix: prefix, after: after, limit: limit, in: keyspace) } catch let error as StoreError {
            throw error.about(keyspace)
        }
    }

    private func fetch(_ keys: [String], in keyspace: Keyspace) async throws -> [Entry] {
        guard !keys.isEmpty else { return [] }
        var found: [Entry] = []
        for chunk in stride(from: 0, to: keys.count, by: 512).map({ Array(keys[$0..<min($0 + 512, keys.count)]) }) {
            let answers = try await client.send(chunk.map { RESPCommand([Array("HMGET".utf8), Self.dataKey(keyspace, $0), [118], [114]]) })
            for (key, answer) in zip(chunk, answers) {
                if let error = Self.failure(answer) { throw error }
                guard let fields = answer.array, fields.count == 2, let value = fields[0].bytes,
                      let revision = fields[1].int else { continue }
                found.append(Entry(key: key, value: Data(value), revision: revision))
            }
        }
        return found
    }

    private func write(_ transaction: Transaction, in keyspace: Keyspace) async throws -> Int64 {
        guard transaction.conditions.count + transaction.mutations.count <= 10_000 else {
            throw StoreError(code: .invalid, message: "a transaction may touch at most 10000 keys")
        }
        var keys: [[UInt8]] = []
        var arguments: [[UInt8]] = [Array(String(transaction.conditions.count).utf8)]
        for condition in transaction.conditions {
            keys.append(Self.dataKey(keyspace, condition.key))
            switch condition {
            case .absent: arguments += [[97], []]
            case let .revision(_, expected): arguments += [[114], Array(String(expected).utf8)]
            }
        }
        arguments.append(Array(String(transaction.mutations.count).utf8))
        for mutation in transaction.mutations {
            keys.append(Self.dataKey(keyspace, mutation.key))
            switch mutation {
            case let .put(key, value, ttl):
                let ms = ttl.map(\.wholeMilliseconds) ?? 0
                arguments += [[112], Array(key.utf8), Array(String(ms).utf8), Array(value)]
            case let .delete(key):
                arguments += [[100], Array(key.utf8), [48], []]
            }
        }
        keys += [Self.revisionKey(keyspace), Self.indexKey(keyspace)]
        let answer = try await scripts.run(.commit, keys: keys, arguments: arguments, on: client)
        guard let parts = answer.array, parts.count == 2, let flag = parts[0].int, let value = parts[1].int else {
            throw StoreError.unavailable("redis: unexpected commit answer \(answer)")
        }
        guard flag == 1 else {
            throw StoreError.conflict(transaction.conditions[Int(value) - 1].key)
        }
        if replicasToWait > 0 {
            let acknowledged = try await client.send(RESPCommand("WAIT", String(replicasToWait), String(waitTimeoutMS)))
            guard let count = acknowledged.int, count >= Int64(replicasToWait) else {
                throw StoreError.unavailable("the write reached \(acknowledged.int ?? 0) of \(replicasToWait) replicas in time; it may be lost if this primary fails")
            }
        }
        return value
    }

    private func list(prefix: String, after: String?, limit: Int, in keyspace: Keyspace) async throws -> [Entry] {
        guard limit > 0 else { return [] }
        let lower: [UInt8]
        if let after, !after.utf8.lexicographicallyPrecedes(prefix.utf8) {
            lower = [40] + Array(after.utf8)  // "(" exclusive
        } else {
            lower = [91] + Array(prefix.utf8)  // "[" inclusive
        }
        let upper: [UInt8] = prefix.isEmpty ? [43] : [40] + (KeyOrder.successor(of: Array(prefix.utf8)) ?? [0xff])  // "+" or exclusive successor
        let answer = try await scripts.run(.scan, keys: [Self.indexKey(keyspace)],
                                           arguments: [Array("\(Self.tag(keyspace)):k:".utf8), lower, upper, Array(String(min(limit, 100_000)).utf8)],
                                           on: client)
        guard let flat = answer.array else { throw StoreError.unavailable("redis: unexpected scan answer \(answer)") }
        var entries: [Entry] = []
        entries.reserveCapacity(flat.count / 3)
        var i = 0
        while i + 2 < flat.count {
            if let key = flat[i].string, let value = flat[i + 1].bytes, let revision = flat[i + 2].int {
                entries.append(Entry(key: key, value: Data(value), revision: revision))
            }
            i += 3
        }
        return entries
    }

    public func watch(prefix: String, in keyspace: Keyspace) -> AsyncStream<WatchEvent> {
        pollingWatch(prefix: prefix, in: keyspace, every: .milliseconds(250))
    }

    /// Removes everything of every keyspace (tests only).
    public func flushAll() async throws {
        if let error = Self.failure(try await client.send(RESPCommand("FLUSHALL"))) { throw error }
    }

    public func close() async {
        await client.close()
    }
}

/// Loads scripts once per server and calls them by SHA, reloading after a server restart.
actor ScriptCache {
    enum Script { case commit, scan }
    private var shas: [String: String] = [:]

    private func source(_ script: Script) -> String {
        switch script {
        case .commit: RedisScripts.commit
        case .scan: RedisScripts.scan
        }
    }

    func run(_ script: Script, keys: [[UInt8]], arguments: [[UInt8]], on client: RedisClient) async throws -> RESPValue {
        let name = "\(script)"
        for attempt in 0..<2 {
            let sha: String
            if let known = shas[name], attempt == 0 {
                sha = known
            } else {
                let loaded = try await client.send(RESPCommand("SCRIPT", "LOAD", source(script)))
                if let error = RedisEngine.failure(loaded) { throw error }
                guard let text = loaded.string else { throw StoreError.unavailable("redis: SCRIPT LOAD answered \(loaded)") }
                shas[name] = text
                sha = text
            }
            let answer = try await client.send(RESPCommand([Array("EVALSHA".utf8), Array(sha.utf8), Array(String(keys.count).utf8)] + keys + arguments))
            if case let .error(message) = answer {
                if message.hasPrefix("NOSCRIPT") { continue }
                throw StoreError.unavailable("redis: \(message)")
            }
            return answer
        }
        throw StoreError.unavailable("redis: script \(name) could not be loaded")
    }
}

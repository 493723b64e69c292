public import Foundation
import LUCBase
import NIOPosix
public import StateStore
import Synchronization

/// The embedded engine: one SQLite file per keyspace in a directory, durable across process
/// crashes, shared safely by several processes on one machine.
///
/// SQLite calls block (a few tens of microseconds in WAL mode, up to the 10 s busy timeout when
/// another process holds the write lock), so they run on NIO's thread pool (`BlockingIO`),
/// never on the cooperative pool that runs tasks and actors. The pool is the engine's own, so
/// store calls never queue behind long file work (image hashing) on the shared one.
public final class EmbeddedEngine: KeyValueEngine {
    private let directory: URL
    private let databases = Mutex<[String: SQLiteDatabase]>([:])
    private let pool: NIOThreadPool

    /// Opens (creating if needed) the store in `directory`.
    public init(directory: URL) throws {
        self.directory = directory
        pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.unavailable("cannot create store directory \(directory.path)", cause: error)
        }
        _ = try database(.global)
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    private func database(_ keyspace: Keyspace) throws -> SQLiteDatabase {
        if let open = databases.withLock({ $0[keyspace.name] }) { return open }
        let file = directory.appendingPathComponent(keyspace.name.replacingOccurrences(of: "/", with: "-") + ".db")
        let opened = try SQLiteDatabase(path: file.path)
        return databases.withLock { open in
            if let existing = open[keyspace.name] { return existing }
            open[keyspace.name] = opened
            return opened
        }
    }

    public func get(_ key: String, in keyspace: Keyspace) async throws -> Entry? {
        try await BlockingIO.run(on: pool) { try self.database(keyspace).get([key]).first }
    }

    public func getMany(_ keys: [String], in keyspace: Keyspace) async throws -> [Entry] {
        try await BlockingIO.run(on: pool) { try self.database(keyspace).get(keys) }
    }

    public func commit(_ transaction: Transaction, in keyspace: Keyspace) async throws -> Int64 {
        try await BlockingIO.run(on: pool) { try self.database(keyspace).commit(transaction) }
    }

    public func scan(prefix: String, after: String?, limit: Int, in keyspace: Keyspace) async throws -> [Entry] {
        try await BlockingIO.run(on: pool) { try self.database(keyspace).scan(prefix: prefix, after: after, limit: limit) }
    }

    public func watch(prefix: String, in keyspace: Keyspace) -> AsyncStream<WatchEvent> {
        pollingWatch(prefix: prefix, in: keyspace, every: .milliseconds(250))
    }
}

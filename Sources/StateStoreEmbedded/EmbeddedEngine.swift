public import Foundation
import LUCBase
import NIOPosix
public import StateStore
import Synchronization

/// The embedded engine: one SQLite file per keyspace in a directory, durable across process
/// crashes, shared safely by several processes on one machine.
///
/// A call first runs at once on the calling task if it need not wait: the connection is free and
/// no other process holds the file's lock (a WAL read or commit without fsync is a few tens of
/// microseconds of CPU). A call that would wait (for this process's connection, or up to the
/// 10 s busy timeout for another process's lock) runs on the engine's own thread pool instead,
/// so nothing waits on the cooperative pool. Measured: always hopping to a pool made the 2,000-
/// server demo bench 20 % slower (docs/PERFORMANCE.md).
public final class EmbeddedEngine: KeyValueEngine {
    private let directory: URL
    private let databases = Mutex<[String: SQLiteDatabase]>([:])
    private let pool: NIOThreadPool

    /// Opens (creating if needed) the store in `directory`.
    public init(directory: URL) throws {
        self.directory = directory
        pool = NIOThreadPool(numberOfThreads: 2)
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

    /// How many transactions have been committed to `keyspace` (by any process sharing the
    /// directory): its revision counter, which each commit moves by one.
    public func committedTransactions(in keyspace: Keyspace) throws -> Int64 {
        try database(keyspace).committedRevision()
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

    /// Runs `call` at once if it need not wait, else on the pool where it may.
    private func run<T: Sendable>(_ keyspace: Keyspace, _ call: @escaping @Sendable (SQLiteDatabase, Bool) throws -> T)
        async throws -> T {
        do {
            let database = try database(keyspace)
            do { return try call(database, false) } catch is SQLiteDatabase.WouldBlock {}
            return try await BlockingIO.run(on: pool) { try call(database, true) }
        } catch let error as StoreError {
            throw error.about(keyspace)
        }
    }

    public func get(_ key: String, in keyspace: Keyspace) async throws -> Entry? {
        try await run(keyspace) { try $0.get([key], blocking: $1).first }
    }

    public func getMany(_ keys: [String], in keyspace: Keyspace) async throws -> [Entry] {
        try await run(keyspace) { try $0.get(keys, blocking: $1) }
    }

    public func commit(_ transaction: Transaction, in keyspace: Keyspace) async throws -> Int64 {
        try await run(keyspace) { try $0.commit(transaction, blocking: $1) }
    }

    public func scan(prefix: String, after: String?, limit: Int, in keyspace: Keyspace) async throws -> [Entry] {
        try await run(keyspace) { try $0.scan(prefix: prefix, after: after, limit: limit, blocking: $1) }
    }

    public func watch(prefix: String, in keyspace: Keyspace) -> AsyncStream<WatchEvent> {
        pollingWatch(prefix: prefix, in: keyspace, every: .milliseconds(250))
    }
}

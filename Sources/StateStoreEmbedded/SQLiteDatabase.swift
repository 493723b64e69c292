import CSQLite
import Foundation
import LUCBase
import StateStore
import Synchronization

/// One SQLite file holding one keyspace: a key/value table ordered bytewise, a revision counter,
/// and lease expiry times. Safe to share between threads and between processes (WAL mode).
final class SQLiteDatabase: Sendable {
    private struct Connection: @unchecked Sendable {
        var db: OpaquePointer
        var statements: [String: OpaquePointer] = [:]
        var commitsSinceSweep = 0
    }

    private let connection: Mutex<Connection>
    let path: String

    init(path: String) throws {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let db = handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw StoreError.unavailable("cannot open \(path): \(message)")
        }
        connection = Mutex(Connection(db: db))
        try connection.withLock { c in
            sqlite3_busy_timeout(c.db, 10_000)
            for sql in [
                "PRAGMA journal_mode=WAL",
                // WAL + NORMAL: a commit is in the WAL file before it returns, so a process crash
                // (kill -9) loses nothing; only a power loss can drop the last transactions.
                "PRAGMA synchronous=NORMAL",
                "CREATE TABLE IF NOT EXISTS kv (key BLOB PRIMARY KEY, value BLOB NOT NULL, rev INTEGER NOT NULL, expires REAL) WITHOUT ROWID",
                "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
                "INSERT OR IGNORE INTO meta(name, value) VALUES ('revision', 0)",
            ] {
                try Self.exec(c.db, sql)
            }
        }
    }

    deinit {
        connection.withLock { c in
            for statement in c.statements.values { sqlite3_finalize(statement) }
            sqlite3_close(c.db)
        }
    }

    /// A call made with `blocking: false` would have had to wait: the connection is in use by
    /// another thread of this process, or another process holds the file's lock.
    struct WouldBlock: Error {}

    private static func isBusy(_ code: Int32) -> Bool { code & 0xff == SQLITE_BUSY || code & 0xff == SQLITE_LOCKED }

    private static func exec(_ db: OpaquePointer, _ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(db, sql, nil, nil, &error)
        if code != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            if isBusy(code) { throw WouldBlock() }
            throw StoreError.unavailable("sqlite: \(message) in \(sql)")
        }
    }

    private static func fail(_ db: OpaquePointer, _ what: String) -> any Error {
        if isBusy(sqlite3_errcode(db)) { return WouldBlock() }
        return StoreError.unavailable("sqlite \(what): \(String(cString: sqlite3_errmsg(db)))")
    }

    /// Ends a read transaction, whatever happens: a transaction left open would pin the
    /// connection to an old snapshot and hide later commits of other processes.
    private static func endRead(_ db: OpaquePointer) {
        if (try? exec(db, "COMMIT")) == nil, sqlite3_get_autocommit(db) == 0 { try? exec(db, "ROLLBACK") }
    }

    /// Runs `body` on the connection. Not blocking: only if the connection is free and without
    /// waiting for another process's lock (`WouldBlock` otherwise). Blocking: waits for both, the
    /// lock up to 10 s (then `unavailable`).
    /// The number of transactions committed to this keyspace (its revision counter).
    func committedRevision() throws -> Int64 {
        try withConnection(blocking: true) { c in
            let s = try Self.statement(&c, "SELECT value FROM meta WHERE name = 'revision'")
            defer { sqlite3_reset(s) }
            guard sqlite3_step(s) == SQLITE_ROW else { throw StoreError.unavailable("\(path): no revision counter") }
            return sqlite3_column_int64(s, 0)
        }
    }

    private func withConnection<T: Sendable>(blocking: Bool, _ body: (inout Connection) throws -> T) throws -> T {
        if blocking {
            return try connection.withLock { c in
                if sqlite3_get_autocommit(c.db) == 0 { try? Self.exec(c.db, "ROLLBACK") }
                sqlite3_busy_timeout(c.db, 10_000)
                do { return try body(&c) } catch is WouldBlock {
                    throw StoreError.unavailable("sqlite: \(path) stayed locked by another process for 10 s")
                }
            }
        }
        let result: T? = try connection.withLockIfAvailable { c in
            if sqlite3_get_autocommit(c.db) == 0 { try? Self.exec(c.db, "ROLLBACK") }
            sqlite3_busy_timeout(c.db, 0)
            return try body(&c)
        }
        guard let result else { throw WouldBlock() }
        return result
    }

    private static func statement(_ c: inout Connection, _ sql: String) throws -> OpaquePointer {
        if let cached = c.statements[sql] { return cached }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(c.db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
              let statement else { throw fail(c.db, "prepare") }
        c.statements[sql] = statement
        return statement
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func bind(_ s: OpaquePointer, _ index: Int32, _ bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        _ = array.withUnsafeBytes { sqlite3_bind_blob(s, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count), transient) }
    }

    private static func column(_ s: OpaquePointer, _ index: Int32) -> Data {
        let count = Int(sqlite3_column_bytes(s, index))
        guard count > 0, let pointer = sqlite3_column_blob(s, index) else { return Data() }
        return Data(bytes: pointer, count: count)
    }

    private static let selectOne = "SELECT value, rev FROM kv WHERE key = ?1 AND (expires IS NULL OR expires > ?2)"

    func get(_ keys: [String], blocking: Bool) throws -> [Entry] {
        let now = Date().timeIntervalSince1970
        return try withConnection(blocking: blocking) { c in
            let s = try Self.statement(&c, Self.selectOne)
            // One read transaction for many keys: the WAL read lock is taken once, not per key.
            let batch = keys.count > 1
            if batch { try Self.exec(c.db, "BEGIN") }
            defer { if batch { Self.endRead(c.db) } }
            var found: [Entry] = []
            for key in keys {
                defer { sqlite3_reset(s) }
                Self.bind(s, 1, key.utf8)
                sqlite3_bind_double(s, 2, now)
                switch sqlite3_step(s) {
                case SQLITE_ROW: found.append(Entry(key: key, value: Self.column(s, 0), revision: sqlite3_column_int64(s, 1)))
                case SQLITE_DONE: continue
                default: throw Self.fail(c.db, "get")
                }
            }
            return found
        }
    }

    func scan(prefix: String, after: String?, limit: Int, blocking: Bool) throws -> [Entry] {
        let now = Date().timeIntervalSince1970
        let lower = Array(prefix.utf8)
        // Start strictly after `after` when it lies inside the prefix range, else at the prefix itself.
        let start = after.map { Array($0.utf8) }.flatMap { $0.lexicographicallyPrecedes(lower) ? nil : $0 }
        let upper = KeyOrder.successor(of: lower)
        let sql = "SELECT key, value, rev FROM kv WHERE key " + (start == nil ? ">=" : ">") + " ?1"
            + (upper == nil ? "" : " AND key < ?3") + " AND (expires IS NULL OR expires > ?2) ORDER BY key LIMIT ?4"
        return try withConnection(blocking: blocking) { c in
            let s = try Self.statement(&c, sql)
            defer { sqlite3_reset(s); sqlite3_clear_bindings(s) }
            Self.bind(s, 1, start ?? lower)
            sqlite3_bind_double(s, 2, now)
            if let upper { Self.bind(s, 3, upper) }
            sqlite3_bind_int64(s, 4, Int64(min(limit, Int(Int32.max))))
            var result: [Entry] = []
            while true {
                switch sqlite3_step(s) {
                case SQLITE_ROW:
                    let key = String(decoding: Self.column(s, 0), as: UTF8.self)
                    result.append(Entry(key: key, value: Self.column(s, 1), revision: sqlite3_column_int64(s, 2)))
                case SQLITE_DONE: return result
                default: throw Self.fail(c.db, "scan")
                }
            }
        }
    }

    func commit(_ txn: Transaction, blocking: Bool) throws -> Int64 {
        let now = Date()
        return try withConnection(blocking: blocking) { c in
            try Self.exec(c.db, "BEGIN IMMEDIATE")
            do {
                let revision = try Self.apply(txn, now: now, &c)
                try Self.exec(c.db, "COMMIT")
                return revision
            } catch {
                try? Self.exec(c.db, "ROLLBACK")
                throw error
            }
        }
    }

    private static func apply(_ txn: Transaction, now: Date, _ c: inout Connection) throws -> Int64 {
        let nowSeconds = now.timeIntervalSince1970
        let check = try statement(&c, selectOne)
        for condition in txn.conditions {
            defer { sqlite3_reset(check) }
            bind(check, 1, condition.key.utf8)
            sqlite3_bind_double(check, 2, nowSeconds)
            let step = sqlite3_step(check)
            guard step == SQLITE_ROW || step == SQLITE_DONE else { throw fail(c.db, "compare") }
            let current: Int64? = step == SQLITE_ROW ? sqlite3_column_int64(check, 1) : nil
            switch condition {
            case .absent: if current != nil { throw StoreError.conflict(condition.key) }
            case let .revision(_, expected): if current != expected { throw StoreError.conflict(condition.key) }
            }
        }
        let bump = try statement(&c, "UPDATE meta SET value = value + 1 WHERE name = 'revision' RETURNING value")
        guard sqlite3_step(bump) == SQLITE_ROW else { sqlite3_reset(bump); throw fail(c.db, "revision") }
        let revision = sqlite3_column_int64(bump, 0)
        sqlite3_reset(bump)
        let put = try statement(&c, "INSERT OR REPLACE INTO kv(key, value, rev, expires) VALUES (?1, ?2, ?3, ?4)")
        let delete = try statement(&c, "DELETE FROM kv WHERE key = ?1")
        for mutation in txn.mutations {
            switch mutation {
            case let .put(key, value, ttl):
                defer { sqlite3_reset(put) }
                bind(put, 1, key.utf8)
                bind(put, 2, value)
                sqlite3_bind_int64(put, 3, revision)
                if let ttl {
                    let seconds = ttl.inSeconds
                    sqlite3_bind_double(put, 4, nowSeconds + seconds)
                } else {
                    sqlite3_bind_null(put, 4)
                }
                guard sqlite3_step(put) == SQLITE_DONE else { throw fail(c.db, "put") }
            case let .delete(key):
                defer { sqlite3_reset(delete) }
                bind(delete, 1, key.utf8)
                guard sqlite3_step(delete) == SQLITE_DONE else { throw fail(c.db, "delete") }
            }
        }
        c.commitsSinceSweep += 1
        if c.commitsSinceSweep >= 256 {
            c.commitsSinceSweep = 0
            let sweep = try statement(&c, "DELETE FROM kv WHERE expires IS NOT NULL AND expires <= ?1")
            defer { sqlite3_reset(sweep) }
            sqlite3_bind_double(sweep, 1, nowSeconds)
            guard sqlite3_step(sweep) == SQLITE_DONE else { throw fail(c.db, "sweep") }
        }
        return revision
    }
}

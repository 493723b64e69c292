public import Foundation
public import NIOPosix

/// Runs blocking work (file reads and hashing, SQLite calls, waiting on a child process) on
/// NIO's shared thread pool, never on the cooperative pool that runs tasks and actors.
public enum BlockingIO {
    /// Runs `work` on `pool` (NIO's shared pool by default; a component whose calls must not wait
    /// behind long file work, such as the embedded store, passes its own).
    public static func run<T: Sendable>(on pool: NIOThreadPool = .singleton, _ work: @escaping @Sendable () throws -> T)
        async throws -> T {
        try await pool.runIfActive(work)
    }
}

extension BlockingIO {
    /// Streams a file to `body` in chunks of `chunkSize`, each read on the thread pool.
    public static func readChunks(of url: URL, chunkSize: Int = 1 << 20, _ body: (Data) async throws -> Void) async throws {
        let handle = try await run { try FileHandle(forReadingFrom: url) }
        defer { try? handle.close() }
        while let chunk = try await run({ try handle.read(upToCount: chunkSize) }), !chunk.isEmpty {
            try await body(chunk)
        }
    }

    /// The bytes of `url` from `offset` to its end (nil when it cannot be read), read on the thread pool.
    public static func read(_ url: URL, from offset: UInt64 = 0) async -> Data? {
        try? await run {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            try handle.seek(toOffset: offset)
            return try handle.readToEnd() ?? Data()
        }
    }
}

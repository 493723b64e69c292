import NIOPosix

/// Runs blocking work (file reads and hashing, SQLite calls, waiting on a child process) on
/// NIO's shared thread pool, never on the cooperative pool that runs tasks and actors.
public enum BlockingIO {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}

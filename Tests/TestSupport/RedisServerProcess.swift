public import Foundation

/// A `redis-server` started for a test on a free port, in a temporary directory, with AOF on.
/// `binary` is nil where Redis is not installed (the tests then skip, saying why).
public final class RedisServerProcess: @unchecked Sendable {
    public static let binary: String? = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    public let port: Int
    public let directory: URL
    private var process: Process?

    public init(port: Int, extra: [String] = []) throws {
        guard let binary = Self.binary else { throw ConformanceFailure("redis-server is not installed") }
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("luc-redis-\(port)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--dir", directory.path, "--appendonly", "yes",
                             "--save", "", "--protected-mode", "no"] + extra
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        // Wait until it accepts connections.
        for _ in 0..<100 {
            if Self.canConnect(port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ConformanceFailure("redis-server did not start on port \(port)")
    }

    static func canConnect(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    public func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        TestProcesses.waitForExit(process)
    }

    /// Stops the server at once (SIGKILL: a SIGTERM makes Redis persist first, which it refuses
    /// to skip once its directory is gone) and removes its files.
    public func stop() {
        kill9()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

#if canImport(Glibc)
import Glibc
#endif

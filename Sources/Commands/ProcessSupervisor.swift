import Foundation
import Synchronization

/// Starts child `luc` processes and stops them all on exit. Children watch this process and
/// exit if it disappears, so nothing outlives the supervisor, even after a kill -9.
final class ProcessSupervisor: Sendable {
    private let children = Mutex<[Process]>([])
    let logDirectory: URL

    init(logDirectory: URL) {
        self.logDirectory = logDirectory
    }

    /// The path of the running `luc` binary.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Starts `luc <arguments> --parent-pid <self>`, logging to `<name>.log`.
    @discardableResult
    func start(_ name: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments + ["--parent-pid", String(getpid())]
        let log = logDirectory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        children.withLock { $0.append(process) }
        return process
    }

    /// Starts a program that is not `luc` (Redis), logging to `<name>.log`. It cannot watch this
    /// process, so `stopAll` must run (the lab does so on every exit path it controls).
    func startExternal(_ name: String, executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let log = logDirectory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        children.withLock { $0.append(process) }
    }

    /// SIGTERM to every child, then SIGKILL to those still running after `grace`.
    func stopAll(grace: Duration = .seconds(5)) async {
        let running = children.withLock { list in defer { list.removeAll() }; return list }
        for process in running where process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + grace
        while running.contains(where: \.isRunning), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
        for process in running where process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var pids: [Int32] { children.withLock { $0.map(\.processIdentifier) } }
}

#if canImport(Glibc)
import Glibc
#endif

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs host tools (qemu-img, mtools, ip, bridge, QEMU itself) as child processes without blocking a
/// thread: posix_spawn, then the exit is polled with `waitpid(WNOHANG)`. The child gets no
/// descriptor of ours beyond stdio (a daemonized QEMU must not keep the agent's sockets or
/// files open), default signal handling and an empty signal mask.
public enum HostCommand {
    /// How a command ended: its exit status (128 + signal when killed) and combined output.
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
    }

    /// Runs `executable` (looked up in PATH) and returns its exit status and combined output.
    /// `environment` is added to (or overrides) the agent's own environment.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    timeout: Duration = .seconds(120), check: Bool = true) async throws -> Result {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("luc-cmd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let pid = try spawn(executable, arguments, environment: environment, output: output.path)
        let deadline = ContinuousClock.now + timeout
        var pause = Duration.milliseconds(1)
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { throw HostCommandError("waiting for \(executable): errno \(errno)") }
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw HostCommandError("\(executable) did not finish within \(timeout)")
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(25))
        }
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        let result = Result(status: code, output: text.trimmingCharacters(in: .whitespacesAndNewlines))
        if check, result.status != 0 {
            throw HostCommandError("\(executable) \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.output.suffix(500))")
        }
        return result
    }

    private static func spawn(_ executable: String, _ arguments: [String], environment: [String: String],
                              output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result: Int32
        if environment.isEmpty {
            result = posix_spawnp(&pid, executable, &actions, &attributes, argv, environ)
        } else {
            let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { for pointer in envp { free(pointer) } }
            result = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        }
        guard result == 0 else { throw HostCommandError("cannot run \(executable): \(String(cString: strerror(result)))") }
        return pid
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module does not export.
    private static let closeFrom: CloseFrom? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: CloseFrom.self) }

    /// Closes every descriptor above stdio in the child.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let closeFrom {
            _ = closeFrom(&actions, 3)
            return
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let fd = Int32(name), fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        }
    }
}

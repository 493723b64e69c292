import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The running QEMU of a machine, found through its pid file and checked by its command line
/// (a recycled pid is never mistaken for the machine).
struct QEMUProcess {
    let pid: pid_t

    /// The machine's QEMU if it is running.
    static func find(_ directory: MachineDirectory, serverID: String) -> QEMUProcess? {
        guard let text = try? String(contentsOf: directory.pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
              let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))
        else { return nil }
        let words = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard words.contains(where: { $0.hasPrefix("luc-\(serverID),") }) else { return nil }
        let process = QEMUProcess(pid: pid)
        return process.isAlive ? process : nil
    }

    /// SIGKILL, then waits (up to 5 s) until the process is gone.
    func kill() async {
        _ = Glibc.kill(pid, SIGKILL)
        await waitForExit(timeout: .seconds(5))
    }

    var isAlive: Bool {
        guard Glibc.kill(pid, 0) == 0 else { return false }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return false }
        return true
    }

    /// Waits until the process has exited; false on timeout.
    @discardableResult
    func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isAlive {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}

extension QEMUProcess {
    /// QEMU processes whose pid file lies below `directory`, with that pid file's path.
    static func running(pidFilesUnder directory: String) -> [(QEMUProcess, String)] {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }
        return pids.compactMap { pid in
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return nil }
            let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard let i = words.firstIndex(of: "-pidfile"), i + 1 < words.count, words[i + 1].hasPrefix(prefix) else { return nil }
            return (QEMUProcess(pid: pid), words[i + 1])
        }
    }

    /// QEMU processes of machines under `root/machines` that have no record any more (left by a
    /// crash in the middle of a spawn or destroy).
    static func strays(under root: URL) -> [QEMUProcess] {
        running(pidFilesUnder: root.appendingPathComponent("machines").path).compactMap { process, pidFile in
            let directory = URL(fileURLWithPath: pidFile).deletingLastPathComponent()
            let hasRecord = FileManager.default.fileExists(atPath: directory.appendingPathComponent("machine.json").path)
            return hasRecord ? nil : process
        }
    }
}

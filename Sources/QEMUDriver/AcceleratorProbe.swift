public import Foundation
import LUCBase
public import Logging

/// Chooses the accelerator of a host by booting a probe guest under KVM: /dev/kvm existing is
/// not enough (a software KVM may refuse ordinary kernels). Falls back to TCG.
public enum AcceleratorProbe {
    /// The choice and why it was made (shown by `luc status`).
    public struct Result: Codable, Sendable, Hashable {
        public var accelerator: QEMUConfiguration.Accelerator
        public var reason: String

        public init(accelerator: QEMUConfiguration.Accelerator, reason: String) {
            self.accelerator = accelerator
            self.reason = reason
        }
    }

    /// Boots `kernel` + `initrd` with `-accel kvm` and waits up to `timeout` for `marker` on the
    /// console. The answer is cached in `cacheFile` (keyed by the kernel's path and size).
    public static func choose(qemu: String = "qemu-system-x86_64", kernel: URL?, initrd: URL?, marker: String,
                              timeout: Duration = .seconds(15), cacheFile: URL?, logger: Logger) async -> Result {
        guard FileManager.default.isReadableFile(atPath: "/dev/kvm"), FileManager.default.isWritableFile(atPath: "/dev/kvm") else {
            return Result(accelerator: .tcg, reason: "no usable /dev/kvm")
        }
        guard let kernel, let initrd else { return Result(accelerator: .tcg, reason: "no probe guest to try KVM with") }
        let size = ((try? FileManager.default.attributesOfItem(atPath: kernel.path))?[.size] as? NSNumber)?.intValue ?? 0
        let key = "\(kernel.path):\(size)"
        if let cacheFile, let data = try? Data(contentsOf: cacheFile),
           let cached = try? JSONDecoder().decode(Cached.self, from: data), cached.key == key { return cached.result }
        let result = await probe(qemu: qemu, kernel: kernel, initrd: initrd, marker: marker, timeout: timeout)
        logger.notice("accelerator chosen", metadata: ["accelerator": "\(result.accelerator.rawValue)", "reason": "\(result.reason)"])
        if let cacheFile { try? JSONEncoder().encode(Cached(key: key, result: result)).write(to: cacheFile, options: .atomic) }
        return result
    }

    private struct Cached: Codable { var key: String; var result: Result }

    /// The answer `choose` cached in `cacheFile`, whatever probe guest it came from.
    public static func cachedResult(in cacheFile: URL) -> Result? {
        (try? Data(contentsOf: cacheFile)).flatMap { try? JSONDecoder().decode(Cached.self, from: $0).result }
    }

    static func probe(qemu: String, kernel: URL, initrd: URL, marker: String, timeout: Duration) async -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luc-kvm-probe-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("console.log"), pidFile = dir.appendingPathComponent("pid")
        let started = ContinuousClock.now
        let launch = try? await HostCommand.run(qemu, [
            "-machine", "q35", "-accel", "kvm", "-cpu", "host", "-m", "128", "-nodefaults", "-no-user-config",
            "-display", "none", "-daemonize", "-pidfile", pidFile.path, "-serial", "file:\(log.path)",
            "-kernel", kernel.path, "-initrd", initrd.path, "-append", "console=ttyS0 quiet",
        ], timeout: .seconds(30), check: false)
        guard let launch, launch.status == 0,
              let pid = (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap({ pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        else { return Result(accelerator: .tcg, reason: "QEMU does not start with KVM: \(launch?.output.suffix(200) ?? "")") }
        let process = QEMUProcess(pid: pid)
        defer { _ = kill(pid, SIGKILL) }
        while ContinuousClock.now - started < timeout {
            if let text = try? String(contentsOf: log, encoding: .utf8), text.contains(marker) {
                return Result(accelerator: .kvm, reason: "probe guest booted under KVM in \(ContinuousClock.now - started)")
            }
            if !process.isAlive { return Result(accelerator: .tcg, reason: "probe guest died under KVM") }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return Result(accelerator: .tcg, reason: "probe guest did not boot under KVM within \(timeout)")
    }
}

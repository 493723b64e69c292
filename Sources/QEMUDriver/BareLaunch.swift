public import Foundation
import LUCBase
import HypervisorDriver

/// The baseline of the driver-overhead benchmark: QEMU started directly with the very command
/// line the driver would use (same guest, disk overlay, devices, accelerator), timed from
/// launch to the readiness marker, then killed. No API, agent, image cache or store involved.
public enum BareLaunch {
    /// Boots the guest from `guestDirectory` (vmlinuz, initrd.img, luc-guest.raw) once and
    /// returns the time to the marker.
    public static func measure(guestDirectory: URL, ramMB: Int = 128, accelerator: QEMUConfiguration.Accelerator,
                               marker: String = "luc-guest: ready", timeout: Duration = .seconds(300)) async throws -> Duration {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("luc-bare-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = MachineSpec(serverID: "bare", name: "bare", vcpus: 1, ramMB: ramMB, diskGB: 0, imageID: "bare")
        let dir = MachineDirectory(root: root, serverID: "bare")
        try FileManager.default.createDirectory(at: dir.url, withIntermediateDirectories: true)
        try await HostCommand.run("qemu-img", ["create", "-q", "-f", "qcow2", "-b",
                                               guestDirectory.appendingPathComponent("luc-guest.raw").path, "-F", "raw", dir.disk.path])
        let record = MachineRecord(spec: MachineRecord.Spec(spec), intent: .on, accelerator: accelerator,
                                   kernel: guestDirectory.appendingPathComponent("vmlinuz").path,
                                   initrd: guestDirectory.appendingPathComponent("initrd.img").path,
                                   kernelArguments: QEMUCommandLine.kernelArguments(spec, tscKHz: HostMemory.tscKHz(), accelerator: accelerator),
                                   taps: [], disks: [], createdAt: Date())
        HostMemory.disableTransparentHugePagesForChildren()  // as the driver's QEMUs
        let start = ContinuousClock.now
        try await HostCommand.run("qemu-system-x86_64", QEMUCommandLine.arguments(for: record, in: dir, incoming: false,
                                                                                   firmware: QEMUConfiguration.installedQboot),
                                  environment: QEMUCommandLine.environment)
        guard let process = QEMUProcess.find(dir, serverID: "bare") else { throw QEMUError("QEMU did not start") }
        defer { Task { await process.kill() } }
        let needle = Data(marker.utf8)
        while ContinuousClock.now - start < timeout {
            if let data = try? Data(contentsOf: dir.consoleLog), data.range(of: needle) != nil {
                let elapsed = ContinuousClock.now - start
                await process.kill()
                return elapsed
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw QEMUError("no readiness marker within \(timeout)")
    }

    /// Resident and proportional set sizes (MiB) and CPU time (seconds) of every QEMU whose pid
    /// file lies under `directory`, keyed by pid.
    public static func usage(under directory: URL) -> [Int32: (rssMB: Double, pssMB: Double, cpuSeconds: Double)] {
        var result: [Int32: (Double, Double, Double)] = [:]
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        for (process, _) in QEMUProcess.running(pidFilesUnder: directory.standardizedFileURL.path) {
            let pid = process.pid
            guard let rollup = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { continue }
            func kB(_ key: String) -> Double {
                let line = rollup.split(separator: "\n").first { $0.hasPrefix(key + ":") }
                return Double(line?.split(separator: " ").dropFirst().first ?? "0") ?? 0
            }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            let cpu = ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks
            result[pid] = (kB("Rss") / 1024, kB("Pss") / 1024, cpu)
        }
        return result
    }
}

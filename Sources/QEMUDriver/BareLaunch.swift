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
        let (process, elapsed) = try await boot(root: root, name: "bare", guestDirectory: guestDirectory, ramMB: ramMB,
                                                accelerator: accelerator, marker: marker, timeout: timeout)
        await process.kill()
        return elapsed
    }

    /// The machine's own limit for a batch: `count` guests launched bare with at most `inFlight`
    /// booting at once (the driver's boot slots: one per core under TCG), each left running once
    /// it has printed the marker, as the cloud's VMs are. Returns the time from the first launch
    /// to the last marker; every guest is killed and its files removed before it returns.
    public static func measureBatch(_ count: Int, inFlight: Int, guestDirectory: URL, ramMB: Int = 128,
                                    accelerator: QEMUConfiguration.Accelerator, marker: String = "luc-guest: ready",
                                    timeout: Duration = .seconds(300)) async throws -> Duration {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("luc-bare-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        let start = ContinuousClock.now
        var running: [QEMUProcess] = []
        var failure: (any Error)?
        await withTaskGroup(of: Result<QEMUProcess, any Error>.self) { group in
            var next = 0
            func launch() {
                let name = "bare-\(next)"
                next += 1
                group.addTask {
                    do {
                        return .success(try await boot(root: root, name: name, guestDirectory: guestDirectory, ramMB: ramMB,
                                                       accelerator: accelerator, marker: marker, timeout: timeout).0)
                    } catch { return .failure(error) }
                }
            }
            while next < min(inFlight, count) { launch() }
            for await result in group {
                switch result {
                case .success(let process): running.append(process)
                case .failure(let error): failure = failure ?? error
                }
                if next < count && failure == nil { launch() }
            }
        }
        let elapsed = ContinuousClock.now - start
        for process in running { await process.kill() }
        if let failure { throw failure }
        return elapsed
    }

    /// Starts one guest under `root/name` with the driver's command line and waits for its
    /// marker; returns it running and the time from QEMU's launch to the marker.
    private static func boot(root: URL, name: String, guestDirectory: URL, ramMB: Int, accelerator: QEMUConfiguration.Accelerator,
                             marker: String, timeout: Duration) async throws -> (QEMUProcess, Duration) {
        let spec = MachineSpec(serverID: name, name: name, vcpus: 1, ramMB: ramMB, diskGB: 0, imageID: "bare")
        let dir = MachineDirectory(root: root, serverID: name)
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
        guard let process = QEMUProcess.find(dir, serverID: name) else { throw QEMUError("QEMU did not start") }
        let needle = Data(marker.utf8)
        while ContinuousClock.now - start < timeout {
            if let data = try? Data(contentsOf: dir.consoleLog), data.range(of: needle) != nil { return (process, ContinuousClock.now - start) }
            try await Task.sleep(for: .milliseconds(10))
        }
        await process.kill()
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

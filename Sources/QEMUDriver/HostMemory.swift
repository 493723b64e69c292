import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The host's memory as the kernel reports it.
public enum HostMemory {
    /// `MemAvailable` in MiB, or nil when /proc/meminfo cannot be read.
    static func availableMB() -> Int? { meminfoMB("MemAvailable") }

    /// `MemTotal` in MiB, or nil when /proc/meminfo cannot be read.
    public static func totalMB() -> Int? { meminfoMB("MemTotal") }

    private static func meminfoMB(_ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first { $0.hasPrefix(key + ":") }
        return line?.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 / 1024 }
    }

    /// The TSC frequency in kHz from /proc/cpuinfo, given to guests so they need not calibrate.
    static func tscKHz() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("cpu MHz") {
            if let value = line.split(separator: ":").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) {
                return Int(value * 1000)
            }
        }
        return nil
    }

    private typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
    /// glibc's `prctl` (variadic in C, so not imported by Swift's Glibc module).
    private static let prctl: Prctl? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl")
        .map { unsafeBitCast($0, to: Prctl.self) }

    /// Turns transparent huge pages off for this process and every process it starts from now on
    /// (`PR_SET_THP_DISABLE`, kept across fork and exec). QEMU then backs guest RAM with 4 KiB
    /// pages: a guest touching a few KiB of a 2 MiB range no longer makes all of it resident.
    /// Returns false where the kernel refuses.
    @discardableResult
    static func disableTransparentHugePagesForChildren() -> Bool {
        let PR_SET_THP_DISABLE: Int32 = 41
        return prctl?(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0
    }
}

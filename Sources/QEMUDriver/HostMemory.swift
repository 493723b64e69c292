import Foundation

/// The host's memory as the kernel reports it.
enum HostMemory {
    /// `MemAvailable` in MiB, or nil when /proc/meminfo cannot be read.
    static func availableMB() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let kB = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return kB.map { $0 / 1024 }
        }
        return nil
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
}

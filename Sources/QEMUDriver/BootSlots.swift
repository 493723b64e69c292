import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A machine-wide limit on guests booting at once, shared by every driver (and every agent
/// process) on the machine through `flock` on slot files. Under software emulation a boot is
/// CPU-bound: past one boot per core, more at once only makes every boot slower (and slow
/// enough, time out). Slots are released by the kernel if the holder dies.
struct BootSlots: Sendable {
    let directory: URL
    let count: Int

    /// A held slot; `release` (or process exit) frees it.
    struct Slot: Sendable {
        let descriptor: Int32
        func release() {
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }

    /// Waits for a free slot, polling without blocking a thread.
    func acquire() async throws -> Slot {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        while true {
            for i in 0..<count {
                let fd = open(directory.appendingPathComponent("slot-\(i)").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
                guard fd >= 0 else { throw QEMUError("cannot open boot slot in \(directory.path): errno \(errno)") }
                if flock(fd, LOCK_EX | LOCK_NB) == 0 { return Slot(descriptor: fd) }
                close(fd)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

import Foundation
import LUCBase
import Synchronization

/// Collects latencies (milliseconds) from concurrent tasks and summarises them.
final class LatencyRecorder: Sendable {
    private let samples = Mutex<[Double]>([])

    func record(_ duration: Duration) {
        let ms = duration.inSeconds * 1000
        samples.withLock { $0.append(ms) }
    }

    func record(milliseconds: Double) {
        samples.withLock { $0.append(milliseconds) }
    }

    var count: Int { samples.withLock { $0.count } }

    /// The `p`-th percentile (0-100), nearest rank.
    func percentile(_ p: Double) -> Double {
        let sorted = samples.withLock { $0.sorted() }
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    func summary() -> String {
        count == 0 ? "no samples"
            : String(format: "p50 %8.2f ms   p90 %8.2f ms   p99 %8.2f ms   max %8.2f ms   (n=%d)",
                     percentile(50), percentile(90), percentile(99), percentile(100), count)
    }
}

/// A one-line progress bar when standard output is a terminal; silent otherwise.
struct ProgressBar {
    let total: Int
    let label: String
    let enabled = isatty(1) == 1

    func show(_ done: Int) {
        guard enabled else { return }
        let width = 30, filled = total == 0 ? width : min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        print("\r\(label) [\(bar)] \(done)/\(total)", terminator: "")
        fflush(nil)
    }

    func finish() {
        guard enabled else { return }
        print("\r" + String(repeating: " ", count: label.count + 50) + "\r", terminator: "")
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A counter shared by concurrent tasks.
final class Counter: Sendable {
    private let value = Mutex(0)

    /// Adds one and returns the new value.
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}

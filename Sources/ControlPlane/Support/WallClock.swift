public import Foundation
import LUCBase
import Synchronization

/// Where the control plane reads the time of day (timestamps, deadlines). Tests drive a
/// `ManualClock` instead of sleeping; production uses `SystemClock`.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when told: for tests of deadlines and expiry.
public final class ManualClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward by `duration`.
    public func advance(by duration: Duration) {
        current.withLock { $0 = $0.addingTimeInterval(duration.inSeconds) }
    }
}

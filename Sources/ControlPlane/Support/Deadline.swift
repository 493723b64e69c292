import Synchronization

/// Runs `body`, or returns nil when it throws or takes longer than `limit`. Returns at the
/// deadline even if `body` cannot be cancelled (a read stuck on a cut link); `body` then
/// finishes in the background and its result is dropped.
public func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async -> T? {
    await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
        let once = ResumeOnce(continuation)
        let work = Task { once.resume(try? await body()) }
        Task {
            try? await Task.sleep(for: limit)
            once.resume(nil)
            work.cancel()
        }
    }
}

/// Resumes a continuation with the first value offered.
final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, Never>?>

    init(_ continuation: CheckedContinuation<T, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume(_ value: T) {
        continuation.withLock { pending in
            pending?.resume(returning: value)
            pending = nil
        }
    }
}

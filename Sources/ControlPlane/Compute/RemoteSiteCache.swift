import CloudModel
import Foundation
import Synchronization

/// What this controller last read from each site, served when the site does not answer in
/// time: servers (shown as UNKNOWN) and usage counters (for quota checks).
public actor RemoteSiteCache {
    public init() {}

    private var servers: [String: [Server]] = [:]
    private var usage: [String: (Usage, ContinuousClock.Instant)] = [:]

    func remember(_ list: [Server], site: Site.ID, project: String?) { servers["\(site)|\(project ?? "*")"] = list }
    func servers(site: Site.ID, project: String?) -> [Server] { servers["\(site)|\(project ?? "*")"] ?? [] }
    func remember(_ value: Usage, site: Site.ID, project: String) { usage["\(site)|\(project)"] = (value, .now) }
    func usage(site: Site.ID, project: String) -> Usage? { usage["\(site)|\(project)"]?.0 }
    /// The usage read from `site` within `age`, if any.
    func usage(site: Site.ID, project: String, within age: Duration) -> Usage? {
        guard let (value, at) = usage["\(site)|\(project)"], ContinuousClock.now - at <= age else { return nil }
        return value
    }
}

/// Runs `body`, or returns nil when it throws or takes longer than `limit`. Returns at the
/// deadline even if `body` cannot be cancelled (a read stuck on a cut link); `body` then
/// finishes in the background and its result is dropped.
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async -> T? {
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

import CloudModel
import Foundation

/// What this controller last read from each site, served when the site does not answer in
/// time: servers (shown as UNKNOWN) and usage counters (for quota checks).
public actor RemoteSiteCache {
    public init() {}

    private var servers: [String: [Server]] = [:]
    private var usage: [String: Usage] = [:]

    func remember(_ list: [Server], site: Site.ID, project: String?) { servers["\(site)|\(project ?? "*")"] = list }
    func servers(site: Site.ID, project: String?) -> [Server] { servers["\(site)|\(project ?? "*")"] ?? [] }
    func remember(_ value: Usage, site: Site.ID, project: String) { usage["\(site)|\(project)"] = value }
    func usage(site: Site.ID, project: String) -> Usage? { usage["\(site)|\(project)"] }
}

/// Runs `body`, or returns nil when it throws or takes longer than `limit`.
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { try? await body() }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

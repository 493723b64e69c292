import CloudModel
import Foundation

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

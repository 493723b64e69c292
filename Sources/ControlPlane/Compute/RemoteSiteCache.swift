import CloudModel
import Foundation

/// The usage counters this controller last read from each site, used for quota checks when the
/// site does not answer in time.
public actor RemoteSiteCache {
    public init() {}

    private var usage: [String: (Usage, ContinuousClock.Instant)] = [:]

    func remember(_ value: Usage, site: Site.ID, project: String) { usage["\(site)|\(project)"] = (value, .now) }
    func usage(site: Site.ID, project: String) -> Usage? { usage["\(site)|\(project)"]?.0 }
    /// The usage read from `site` within `age`, if any.
    func usage(site: Site.ID, project: String, within age: Duration) -> Usage? {
        guard let (value, at) = usage["\(site)|\(project)"], ContinuousClock.now - at <= age else { return nil }
        return value
    }
}

public import Foundation

/// Settings of one controller process.
public struct ControllerConfiguration: Sendable {
    /// Unique ID of this controller (its liveness lease and task ownership use it).
    public var controllerID: String
    /// The site this controller belongs to: it prefers it for placement and recovers its tasks.
    public var site: String
    /// Base URL users reach this controller at (used in the catalog and links).
    public var publicURL: String
    public var region: String
    /// Where image bytes of this site are kept.
    public var dataDirectory: URL
    public var tokenLifetime: Duration
    /// How long a boot may take before another controller steps in.
    public var bootDeadline: Duration
    /// How long a power operation may take.
    public var actionDeadline: Duration
    public var controllerLeaseTTL: Duration
    public var hostLeaseTTL: Duration
    public var heartbeatInterval: Duration
    /// Measured round-trip times in milliseconds from this site to others (the latency matrix's
    /// row); sites missing here are ranked by distance (1 ms per 100 km).
    public var latencyMS: [String: Double] = [:]
    /// How long a listing waits for a site before showing its servers as UNKNOWN.
    public var siteTimeout: Duration { .milliseconds(1500) }
    /// Whether this controller keeps sightings of other sites' servers (`ServerSightings`);
    /// off where one store holds every site, so no site can be cut off alone (the demo).
    public var keepsSightings = true

    public init(controllerID: String, site: String, publicURL: String, region: String = "RegionOne",
                dataDirectory: URL, tokenLifetime: Duration = .seconds(3600), bootDeadline: Duration = .seconds(300),
                actionDeadline: Duration = .seconds(120), controllerLeaseTTL: Duration = .seconds(10),
                hostLeaseTTL: Duration = .seconds(6), heartbeatInterval: Duration = .seconds(2)) {
        self.controllerID = controllerID
        self.site = site
        self.publicURL = publicURL
        self.region = region
        self.dataDirectory = dataDirectory
        self.tokenLifetime = tokenLifetime
        self.bootDeadline = bootDeadline
        self.actionDeadline = actionDeadline
        self.controllerLeaseTTL = controllerLeaseTTL
        self.hostLeaseTTL = hostLeaseTTL
        self.heartbeatInterval = heartbeatInterval
    }
}

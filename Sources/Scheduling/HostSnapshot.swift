public import CloudModel

/// What the scheduler knows of one host at one instant: its record and whether its agent is alive.
public struct HostSnapshot: Sendable, Hashable {
    public var host: ComputeHost
    public var isUp: Bool

    public init(host: ComputeHost, isUp: Bool) {
        self.host = host
        self.isUp = isUp
    }
}

/// What a server needs from a host.
public struct PlacementRequest: Sendable, Hashable {
    public var resources: Resources
    /// The availability zone (site) the user asked for, if any.
    public var zone: Site.ID?
    /// The one host the user asked for, by name or ID (`zone:host`), if any.
    public var host: String?
    /// Hosts that already failed this server.
    public var excludedHosts: Set<ComputeHost.ID>
    /// The server group it boots into, if any.
    public var group: GroupPlacement?

    public init(resources: Resources, zone: Site.ID? = nil, host: String? = nil, excludedHosts: Set<ComputeHost.ID> = [],
                group: GroupPlacement? = nil) {
        self.resources = resources
        self.zone = zone
        self.host = host
        self.excludedHosts = excludedHosts
        self.group = group
    }
}

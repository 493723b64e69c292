import CloudModel
/// Passes hosts that have not already failed to spawn this server.
public struct RetryFilter: HostFilter {
    public init() {}
    public var name: String { "RetryFilter" }
    public func passes(_ host: HostSnapshot, for request: PlacementRequest) -> Bool {
        !request.excludedHosts.contains(host.host.id)
    }
}

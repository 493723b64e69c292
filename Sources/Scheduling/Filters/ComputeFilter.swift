import CloudModel
/// Passes hosts that are enabled and whose agent holds a live lease.
public struct ComputeFilter: HostFilter {
    public init() {}
    public var name: String { "ComputeFilter" }
    public func passes(_ host: HostSnapshot, for request: PlacementRequest) -> Bool {
        host.isUp && host.host.enabled
    }
}

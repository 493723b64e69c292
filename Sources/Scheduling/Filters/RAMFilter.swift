import CloudModel
/// Passes hosts with enough free memory (after the RAM allocation ratio).
public struct RAMFilter: HostFilter {
    public init() {}
    public var name: String { "RAMFilter" }
    public func passes(_ host: HostSnapshot, for request: PlacementRequest) -> Bool {
        host.host.free.ramMB >= request.resources.ramMB
    }
}

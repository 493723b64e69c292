import CloudModel
/// Hard affinity: once the group has members, only a host holding one of them passes.
public struct ServerGroupAffinityFilter: HostFilter {
    public init() {}
    public var name: String { "ServerGroupAffinityFilter" }
    public func passes(_ host: HostSnapshot, for request: PlacementRequest) -> Bool {
        guard let group = request.group, group.policy == .affinity else { return true }
        return group.membersPerHost.isEmpty || group.membersPerHost[host.host.id, default: 0] > 0
    }
}

import CloudModel
/// Hard anti-affinity: a host passes while it holds fewer than `maxPerHost` members of the group.
public struct ServerGroupAntiAffinityFilter: HostFilter {
    public init() {}
    public var name: String { "ServerGroupAntiAffinityFilter" }
    public func passes(_ host: HostSnapshot, for request: PlacementRequest) -> Bool {
        guard let group = request.group, group.policy == .antiAffinity else { return true }
        return group.membersPerHost[host.host.id, default: 0] < group.maxPerHost
    }
}

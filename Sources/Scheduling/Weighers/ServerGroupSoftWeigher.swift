import CloudModel
/// Soft affinity prefers hosts with more members of the group; soft anti-affinity, fewer.
public struct ServerGroupSoftWeigher: HostWeigher {
    public let multiplier: Double
    public init(multiplier: Double = 2.0) { self.multiplier = multiplier }
    public func rawWeight(_ host: HostSnapshot, for request: PlacementRequest) -> Double {
        guard let group = request.group else { return 0 }
        let members = Double(group.membersPerHost[host.host.id, default: 0])
        switch group.policy {
        case .softAffinity: return members
        case .softAntiAffinity: return -members
        default: return 0
        }
    }
}

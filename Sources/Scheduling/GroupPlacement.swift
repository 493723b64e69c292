public import CloudModel

/// What the scheduler knows of the server group a server boots into: its policy and how many
/// of its members each host of the site already holds. (Members are placed at one site for hard
/// affinity: the control plane sends such boots to the members' site.)
public struct GroupPlacement: Sendable, Hashable {
    public var policy: ServerGroup.Policy
    public var membersPerHost: [ComputeHost.ID: Int]
    /// For anti-affinity, the most members a host may hold (1 unless the group says otherwise).
    public var maxPerHost: Int

    public init(policy: ServerGroup.Policy, membersPerHost: [ComputeHost.ID: Int], maxPerHost: Int = 1) {
        self.policy = policy
        self.membersPerHost = membersPerHost
        self.maxPerHost = maxPerHost
    }
}

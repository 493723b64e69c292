public import Foundation

/// A set of servers the scheduler places together (affinity) or apart (anti-affinity), on hosts.
/// Members join at boot and stay until deleted; the group itself lives in `global`, a member's
/// membership in its server record (a boot writes only its own site).
public struct ServerGroup: Sendable, Hashable {
    public typealias ID = String

    /// Nova's policies; the soft ones are preferences (weighers), the others constraints (filters).
    public enum Policy: String, Sendable, Hashable, CaseIterable {
        case affinity
        case antiAffinity = "anti-affinity"
        case softAffinity = "soft-affinity"
        case softAntiAffinity = "soft-anti-affinity"

        public var isSoft: Bool { self == .softAffinity || self == .softAntiAffinity }
    }

    public var id: ID
    public var name: String
    public var projectID: String
    public var userID: String
    public var policy: Policy
    /// For anti-affinity: how many members one host may hold (Nova's `max_server_per_host`, 1 by default).
    public var maxServersPerHost: Int?
    public var createdAt: Date

    public init(id: ID, name: String, projectID: String, userID: String, policy: Policy, maxServersPerHost: Int? = nil,
                createdAt: Date) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.userID = userID
        self.policy = policy
        self.maxServersPerHost = maxServersPerHost
        self.createdAt = createdAt
    }
}

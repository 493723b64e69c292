public import Foundation

/// A project's set of firewall rules for ports (Neutron's security group), with its rules in
/// the same record. Lives in `global`. Every project has one named `default`.
public struct SecurityGroup: Sendable, Hashable {
    public typealias ID = String
    public var id: ID
    public var name: String
    public var description: String
    public var projectID: String
    public var rules: [SecurityGroupRule]
    public var stateful: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var revision: Int

    public init(id: ID, name: String, description: String, projectID: String, rules: [SecurityGroupRule] = [], stateful: Bool = true,
                createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.projectID = projectID
        self.rules = rules
        self.stateful = stateful
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.revision = 0
    }
}

/// One rule of a security group: traffic it allows in one direction.
public struct SecurityGroupRule: Sendable, Hashable {
    public typealias ID = String
    public enum Direction: String, Sendable, Hashable { case ingress, egress }

    public var id: ID
    public var securityGroupID: SecurityGroup.ID
    public var projectID: String
    public var direction: Direction
    /// `IPv4` or `IPv6`.
    public var ethertype: String
    /// `tcp`, `udp`, `icmp`, … or a protocol number as text; nil: any.
    public var proto: String?
    public var portRangeMin: Int?
    public var portRangeMax: Int?
    public var remoteIPPrefix: String?
    public var remoteGroupID: SecurityGroup.ID?
    public var description: String
    public var createdAt: Date

    public init(id: ID, securityGroupID: SecurityGroup.ID, projectID: String, direction: Direction, ethertype: String,
                proto: String? = nil, portRangeMin: Int? = nil, portRangeMax: Int? = nil, remoteIPPrefix: String? = nil,
                remoteGroupID: SecurityGroup.ID? = nil, description: String = "", createdAt: Date) {
        self.id = id
        self.securityGroupID = securityGroupID
        self.projectID = projectID
        self.direction = direction
        self.ethertype = ethertype
        self.proto = proto
        self.portRangeMin = portRangeMin
        self.portRangeMax = portRangeMax
        self.remoteIPPrefix = remoteIPPrefix
        self.remoteGroupID = remoteGroupID
        self.description = description
        self.createdAt = createdAt
    }

    /// Whether `other` allows the same traffic (Neutron refuses duplicates with 409).
    public func sameTraffic(as other: SecurityGroupRule) -> Bool {
        direction == other.direction && ethertype == other.ethertype && proto == other.proto
            && portRangeMin == other.portRangeMin && portRangeMax == other.portRangeMax
            && remoteIPPrefix == other.remoteIPPrefix && remoteGroupID == other.remoteGroupID
    }
}

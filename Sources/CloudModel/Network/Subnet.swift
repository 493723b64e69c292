public import Foundation

/// An IPv4 address range of a network (Neutron's subnet). Lives in `global`; its addresses are
/// handed out by sites in blocks (`AddressBlocks`).
public struct Subnet: Sendable, Hashable {
    public typealias ID = String

    /// A range of addresses handed out to ports, first and last included.
    public struct Pool: Sendable, Hashable {
        public var start: IPv4Address
        public var end: IPv4Address
        public init(start: IPv4Address, end: IPv4Address) {
            self.start = start
            self.end = end
        }
        public var count: Int { Int(end.value - start.value) + 1 }
    }

    /// A static route handed to the guests.
    public struct Route: Sendable, Hashable {
        public var destination: IPv4CIDR
        public var nexthop: IPv4Address
        public init(destination: IPv4CIDR, nexthop: IPv4Address) {
            self.destination = destination
            self.nexthop = nexthop
        }
    }

    public var id: ID
    public var name: String
    public var description: String
    public var projectID: String
    public var networkID: Network.ID
    public var cidr: IPv4CIDR
    public var gateway: IPv4Address?
    public var pools: [Pool]
    public var dnsNameservers: [String]
    public var hostRoutes: [Route]
    public var enableDHCP: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var revision: Int

    public init(id: ID, name: String, description: String = "", projectID: String, networkID: Network.ID, cidr: IPv4CIDR,
                gateway: IPv4Address?, pools: [Pool], dnsNameservers: [String] = [], hostRoutes: [Route] = [],
                enableDHCP: Bool = true, createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.projectID = projectID
        self.networkID = networkID
        self.cidr = cidr
        self.gateway = gateway
        self.pools = pools
        self.dnsNameservers = dnsNameservers
        self.hostRoutes = hostRoutes
        self.enableDHCP = enableDHCP
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.revision = 0
    }

    /// Neutron's default pools: every host address of the CIDR but the gateway.
    public static func defaultPools(_ cidr: IPv4CIDR, gateway: IPv4Address?) -> [Pool] {
        let hosts = cidr.hosts
        guard let gateway, hosts.contains(gateway) else { return [Pool(start: hosts.lowerBound, end: hosts.upperBound)] }
        var pools: [Pool] = []
        if gateway > hosts.lowerBound { pools.append(Pool(start: hosts.lowerBound, end: IPv4Address(gateway.value - 1))) }
        if gateway < hosts.upperBound { pools.append(Pool(start: IPv4Address(gateway.value + 1), end: hosts.upperBound)) }
        return pools
    }
}

public import Foundation

/// An address of an external network mapped (DNAT/SNAT) to a fixed address of a port behind a
/// router. It lives in the keyspace of its external network's site (each PoP has its own
/// uplink), its ID naming that site.
public struct FloatingIP: Sendable, Hashable {
    public typealias ID = String

    /// The port and fixed address it forwards to, through `routerID`.
    public struct Association: Sendable, Hashable {
        public var portID: NetworkPort.ID
        public var fixedAddress: IPv4Address
        public var routerID: NetworkRouter.ID
        public init(portID: NetworkPort.ID, fixedAddress: IPv4Address, routerID: NetworkRouter.ID) {
            self.portID = portID
            self.fixedAddress = fixedAddress
            self.routerID = routerID
        }
    }

    public var id: ID
    public var projectID: String
    public var description: String
    public var networkID: Network.ID
    public var subnetID: Subnet.ID
    public var address: IPv4Address
    public var site: Site.ID
    public var association: Association?
    public var createdAt: Date
    public var updatedAt: Date
    public var revision: Int

    public init(id: ID, projectID: String, description: String = "", networkID: Network.ID, subnetID: Subnet.ID, address: IPv4Address,
                site: Site.ID, createdAt: Date) {
        self.id = id
        self.projectID = projectID
        self.description = description
        self.networkID = networkID
        self.subnetID = subnetID
        self.address = address
        self.site = site
        self.association = nil
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.revision = 0
    }

    /// `ACTIVE` while associated, `DOWN` otherwise (Neutron's).
    public var status: String { association == nil ? "DOWN" : "ACTIVE" }
}

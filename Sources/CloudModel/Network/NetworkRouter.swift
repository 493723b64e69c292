public import Foundation

/// A virtual router (Neutron's L3 router; `Router` would clash with Hummingbird's): it lives at one site (a namespace on one of that
/// site's hosts once part 2 wires it), with a leg at the gateway address of each attached subnet
/// and, optionally, one on the site's external network. The record lives in `global`; its ports
/// live at its site.
public struct NetworkRouter: Sendable, Hashable {
    public typealias ID = String

    /// The router's leg on an external network (Neutron's `external_gateway_info`).
    public struct Gateway: Sendable, Hashable {
        public var networkID: Network.ID
        public var portID: NetworkPort.ID
        public var enableSNAT: Bool
        public var fixedIPs: [NetworkPort.FixedIP]
        public init(networkID: Network.ID, portID: NetworkPort.ID, enableSNAT: Bool, fixedIPs: [NetworkPort.FixedIP]) {
            self.networkID = networkID
            self.portID = portID
            self.enableSNAT = enableSNAT
            self.fixedIPs = fixedIPs
        }
    }

    /// A leg on a tenant subnet: at the subnet's gateway address on a port the router made, or
    /// on a user's port (released, not deleted, when detached).
    public struct Interface: Sendable, Hashable {
        public var subnetID: Subnet.ID
        public var portID: NetworkPort.ID
        public var madeByRouter: Bool
        public init(subnetID: Subnet.ID, portID: NetworkPort.ID, madeByRouter: Bool) {
            self.subnetID = subnetID
            self.portID = portID
            self.madeByRouter = madeByRouter
        }
    }

    public var id: ID
    public var name: String
    public var description: String
    public var projectID: String
    public var adminStateUp: Bool
    /// The site it runs at (its external network's, or where it was asked for).
    public var site: Site.ID
    public var gateway: Gateway?
    public var interfaces: [Interface]
    public var createdAt: Date
    public var updatedAt: Date
    public var revision: Int

    public init(id: ID, name: String, description: String = "", projectID: String, adminStateUp: Bool = true, site: Site.ID,
                createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.projectID = projectID
        self.adminStateUp = adminStateUp
        self.site = site
        self.gateway = nil
        self.interfaces = []
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.revision = 0
    }

    /// Neutron's device owners of a router's ports.
    public static let interfaceOwner = "network:router_interface"
    public static let gatewayOwner = "network:router_gateway"
}

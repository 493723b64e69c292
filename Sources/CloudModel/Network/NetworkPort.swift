public import Foundation

/// A virtual NIC on a network with its MAC and fixed addresses: Neutron's port (`Port` would
/// clash with Foundation's). Lives in the keyspace of its site: its device's site, or the
/// receiving controller's for an unbound port; its ID names that site, as server IDs do.
public struct NetworkPort: Sendable, Hashable {
    public typealias ID = String

    /// One fixed address of the port, in a subnet of its network.
    public struct FixedIP: Sendable, Hashable {
        public var subnetID: Subnet.ID
        public var address: IPv4Address
        public init(subnetID: Subnet.ID, address: IPv4Address) {
            self.subnetID = subnetID
            self.address = address
        }
    }

    public var id: ID
    public var name: String
    public var description: String
    public var projectID: String
    public var networkID: Network.ID
    public var site: Site.ID
    public var macAddress: String
    public var fixedIPs: [FixedIP]
    /// What uses the port: a server's ID and `compute:<zone>`, a router's, or nothing.
    public var deviceID: String
    public var deviceOwner: String
    public var securityGroupIDs: [SecurityGroup.ID]
    public var portSecurityEnabled: Bool
    public var adminStateUp: Bool
    /// The host the port is wired on, once bound.
    public var hostID: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var revision: Int

    public init(id: ID, name: String, description: String = "", projectID: String, networkID: Network.ID, site: Site.ID,
                macAddress: String, fixedIPs: [FixedIP], deviceID: String = "", deviceOwner: String = "",
                securityGroupIDs: [SecurityGroup.ID], portSecurityEnabled: Bool = true, adminStateUp: Bool = true, createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.projectID = projectID
        self.networkID = networkID
        self.site = site
        self.macAddress = macAddress
        self.fixedIPs = fixedIPs
        self.deviceID = deviceID
        self.deviceOwner = deviceOwner
        self.securityGroupIDs = securityGroupIDs
        self.portSecurityEnabled = portSecurityEnabled
        self.adminStateUp = adminStateUp
        self.hostID = nil
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.revision = 0
    }

    /// The port freed from its device (unbound, no owner), as a new revision at `now`.
    public func released(at now: Date) -> NetworkPort {
        var port = self
        port.deviceID = ""
        port.deviceOwner = ""
        port.hostID = nil
        port.updatedAt = now
        port.revision += 1
        return port
    }

    /// `ACTIVE` once bound to a host and up, `DOWN` otherwise (Neutron's port status).
    public var status: String { hostID != nil && adminStateUp ? "ACTIVE" : "DOWN" }

    /// A locally administered unicast MAC (`fa:16:3e:…`, Neutron's default prefix).
    public static func randomMAC() -> String {
        let hex = Array("0123456789abcdef".utf8)
        var text = Array("fa:16:3e:00:00:00".utf8)
        for (i, byte) in (0..<3).map({ _ in UInt8.random(in: 0...255) }).enumerated() {
            text[9 + 3 * i] = hex[Int(byte >> 4)]
            text[10 + 3 * i] = hex[Int(byte & 15)]
        }
        return String(decoding: text, as: UTF8.self)
    }
}

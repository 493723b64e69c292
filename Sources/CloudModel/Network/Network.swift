public import Foundation

/// A tenant (or external) layer-2 network spanning sites (Neutron's network). Lives in `global`.
public struct Network: Sendable, Hashable {
    public typealias ID = String
    public var id: ID
    public var name: String
    public var description: String
    public var projectID: String
    public var adminStateUp: Bool
    /// Usable by every project.
    public var shared: Bool
    /// An external network (`router:external`): a site's uplink, floating IPs come from it.
    public var external: Bool
    public var mtu: Int
    /// The VXLAN network identifier its packets carry between hosts.
    public var segmentationID: Int
    /// The sites the user would like it in (`availability_zone_hints`); empty: any.
    public var zoneHints: [Site.ID]
    public var portSecurityEnabled: Bool
    /// For an external network: the site whose uplink it is (its floating IPs and routers live
    /// there); nil for tenant networks.
    public var uplinkSite: Site.ID?
    public var createdAt: Date
    public var updatedAt: Date
    /// Counts the record's changes (Neutron's `revision_number`).
    public var revision: Int

    public init(id: ID, name: String, description: String = "", projectID: String, adminStateUp: Bool = true, shared: Bool = false,
                external: Bool = false, mtu: Int, segmentationID: Int, zoneHints: [Site.ID] = [], portSecurityEnabled: Bool = true,
                createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.projectID = projectID
        self.adminStateUp = adminStateUp
        self.shared = shared
        self.external = external
        self.mtu = mtu
        self.segmentationID = segmentationID
        self.zoneHints = zoneHints
        self.portSecurityEnabled = portSecurityEnabled
        self.uplinkSite = nil
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.revision = 0
    }

    /// The MTU of a tenant network over a 1500-byte underlay: VXLAN takes 50 bytes.
    public static let vxlanMTU = 1450
}

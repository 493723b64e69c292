/// One tenant network as a host carries it: the network's ID (which names its bridge, where the
/// ports' taps go), its VXLAN segmentation ID and its MTU (the guests' MTU: the underlay carries
/// 50 bytes more per frame), and whether the host answers ARP for the other hosts' ports itself.
public struct OverlayNetwork: Sendable, Hashable {
    public var networkID: String
    public var vni: Int
    public var mtu: Int
    /// The host's VXLAN device answers ARP requests from its neighbour table (the other hosts'
    /// ports' addresses, `HostFabric.setNeighbours`) and never floods them to the other hosts
    /// (Neutron's l2population ARP responder). Only right when no guest on the network may answer
    /// for an address its port does not hold: every port has port security on.
    public var answersARP: Bool

    public init(networkID: String, vni: Int, mtu: Int = 1450, answersARP: Bool = false) {
        self.networkID = networkID
        self.vni = vni
        self.mtu = mtu
        self.answersARP = answersARP
    }

    /// The network's bridge on every host (`lb` + the first 12 hex digits of its ID).
    public var bridge: String { Self.bridgeName(networkID) }
    /// The network's VXLAN device on every host (`vx` + the VNI).
    public var vxlan: String { "vx\(vni)" }

    public static func bridgeName(_ networkID: String) -> String { "lb" + String(networkID.filter { $0 != "-" }.prefix(12)) }
}

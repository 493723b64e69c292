/// One tenant network as a host carries it: the network's ID (which names its bridge, where the
/// ports' taps go), its VXLAN segmentation ID and its MTU (the guests' MTU: the underlay carries
/// 50 bytes more per frame).
public struct OverlayNetwork: Sendable, Hashable {
    public var networkID: String
    public var vni: Int
    public var mtu: Int

    public init(networkID: String, vni: Int, mtu: Int = 1450) {
        self.networkID = networkID
        self.vni = vni
        self.mtu = mtu
    }

    /// The network's bridge on every host (`lb` + the first 12 hex digits of its ID).
    public var bridge: String { Self.bridgeName(networkID) }
    /// The network's VXLAN device on every host (`vx` + the VNI).
    public var vxlan: String { "vx\(vni)" }

    public static func bridgeName(_ networkID: String) -> String { "lb" + String(networkID.filter { $0 != "-" }.prefix(12)) }
}

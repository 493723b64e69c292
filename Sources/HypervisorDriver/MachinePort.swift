/// One network interface of a machine: a tap on the host bridge of its network.
public struct MachinePort: Sendable, Hashable, Codable {
    public var id: String
    public var networkID: String
    public var mac: String
    /// Address with prefix length ("10.0.0.5/24"), given to the guest at boot; nil for none.
    public var address: String?
    public var gateway: String?
    /// The network's MTU (the guest's interface MTU) and VXLAN identifier; nil when unknown.
    public var mtu: Int?
    public var segmentationID: Int?
    /// DNS servers of the port's subnet (nil: none given).
    public var dnsServers: [String]?

    public init(id: String, networkID: String, mac: String, address: String? = nil, gateway: String? = nil,
                mtu: Int? = nil, segmentationID: Int? = nil) {
        self.id = id
        self.networkID = networkID
        self.mac = mac
        self.address = address
        self.gateway = gateway
        self.mtu = mtu
        self.segmentationID = segmentationID
    }
}

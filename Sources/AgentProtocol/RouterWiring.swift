/// `PUT /agent/v1/hosts/{host}/routers/{router}` (version `v`): a router as the host that runs it
/// must make it, as a whole (the agent makes the kernel match it, so repeating it is harmless):
/// a leg on the site's external network (`gateway`) and one per attached subnet, each at its
/// port's address and MAC and plugged into its network's bridge (which the host must already
/// carry), the external next hop, SNAT of the subnets behind the gateway address, and the
/// floating IPs (floating address → fixed address). `DELETE` on the same path removes it.
public struct RouterWiring: Sendable, Hashable, Codable {
    public var v = AgentProtocol.version
    public var gateway: Leg?
    public var nextHop: String?
    public var interfaces: [Leg]
    public var snat: Bool
    public var floatingIPs: [String: String]

    public init(gateway: Leg?, nextHop: String?, interfaces: [Leg], snat: Bool, floatingIPs: [String: String]) {
        self.gateway = gateway
        self.nextHop = nextHop
        self.interfaces = interfaces
        self.snat = snat
        self.floatingIPs = floatingIPs
    }

    /// How hosts name a router (the first 12 hex digits of its ID: its namespace is named after them).
    public static func hostName(of routerID: String) -> String { String(routerID.filter { $0 != "-" }.prefix(12)) }

    /// One leg: its network, address, prefix length, MTU and MAC.
    public struct Leg: Sendable, Hashable, Codable {
        public var network: String
        public var address: String
        public var prefix: Int
        public var mtu: Int
        public var mac: String

        public init(network: String, address: String, prefix: Int, mtu: Int, mac: String) {
            self.network = network
            self.address = address
            self.prefix = prefix
            self.mtu = mtu
            self.mac = mac
        }
    }
}

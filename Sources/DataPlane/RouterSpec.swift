/// What a router is on the host that runs it (DESIGN §8.1): its legs — one per attached subnet,
/// at the subnet's gateway address, and one on the site's external network — each plugged into
/// its network's bridge on the host, the external next hop, whether the subnets are SNATed
/// behind the gateway address, and the floating IPs (a floating address → a fixed address behind
/// one of the legs, DNAT in and SNAT out).
public struct RouterSpec: Sendable, Hashable {
    /// One leg: its network (whose bridge it plugs into), its address and prefix length, its MTU,
    /// and its port's MAC (nil: the kernel's; with one, the other hosts know where to send it).
    public struct Leg: Sendable, Hashable {
        public var networkID: String
        public var address: String
        public var prefix: Int
        public var mtu: Int
        public var mac: String?

        public init(networkID: String, address: String, prefix: Int, mtu: Int = 1450, mac: String? = nil) {
            self.networkID = networkID
            self.address = address
            self.prefix = prefix
            self.mtu = mtu
            self.mac = mac
        }
    }

    public var routerID: String
    public var gateway: Leg?
    public var nextHop: String?
    public var interfaces: [Leg]
    public var snat: Bool
    public var floatingIPs: [String: String]

    public init(routerID: String, gateway: Leg? = nil, nextHop: String? = nil, interfaces: [Leg] = [], snat: Bool = true,
                floatingIPs: [String: String] = [:]) {
        self.routerID = routerID
        self.gateway = gateway
        self.nextHop = nextHop
        self.interfaces = interfaces
        self.snat = snat
        self.floatingIPs = floatingIPs
    }
}

/// `PUT /agent/v1/hosts/{host}/networks/{network}` (version `v`): what a host must carry of one
/// tenant network, as a whole (the agent makes the kernel match it, so repeating it is harmless):
/// the VXLAN segment and MTU, the flood list (the underlay addresses of the other hosts, in any
/// site, with a port on the network), the remote ports' MACs with their hosts' addresses, and the
/// firewall of the host's own ports on it (`ports`: anti-spoofing and security groups, remote
/// groups already resolved to addresses; nil leaves the host's firewall for the network as it is).
/// With `neighbours` (the remote ports' IPv4 addresses → MACs) the host answers its guests' ARP
/// requests itself and floods none to the other hosts; nil: ARP is flooded (a port without port
/// security may answer for any address).
/// With `uplink` the network is the site's external network: bridged flat onto the host's uplink
/// interface, no VXLAN (`peers` and `macs` are then unused).
/// `DELETE` on the same path removes the network from the host.
public struct NetworkWiring: Sendable, Hashable, Codable {
    public var v = AgentProtocol.version
    public var vni: Int
    public var mtu: Int
    public var peers: [String]
    public var macs: [String: String]
    public var ports: [Port]?
    public var uplink: Bool?
    public var neighbours: [String: String]?

    public init(vni: Int, mtu: Int, peers: [String], macs: [String: String] = [:], ports: [Port]? = nil, uplink: Bool? = nil,
                neighbours: [String: String]? = nil) {
        self.vni = vni
        self.mtu = mtu
        self.peers = peers
        self.macs = macs
        self.ports = ports
        self.uplink = uplink
        self.neighbours = neighbours
    }

    /// One of the host's ports on the network: its MAC and addresses (the only sources it may
    /// use) and the traffic its security groups allow; `security` false: not filtered at all.
    public struct Port: Sendable, Hashable, Codable {
        public var id: String
        public var mac: String
        public var addresses: [String]
        public var security: Bool
        public var ingress: [Rule]
        public var egress: [Rule]

        public init(id: String, mac: String, addresses: [String], security: Bool, ingress: [Rule], egress: [Rule]) {
            self.id = id
            self.mac = mac
            self.addresses = addresses
            self.security = security
            self.ingress = ingress
            self.egress = egress
        }
    }

    /// Traffic allowed in one direction: `ethertype` IPv4 or IPv6, `proto` a name or number (nil:
    /// any), port range (ICMP: type and code), `remote` prefixes (nil: any; empty: nobody).
    public struct Rule: Sendable, Hashable, Codable {
        public var ethertype: String
        public var proto: String?
        public var portMin: Int?
        public var portMax: Int?
        public var remote: [String]?

        public init(ethertype: String, proto: String?, portMin: Int?, portMax: Int?, remote: [String]?) {
            self.ethertype = ethertype
            self.proto = proto
            self.portMin = portMin
            self.portMax = portMax
            self.remote = remote
        }
    }
}

/// `PUT /agent/v1/hosts/{host}/networks/{network}` (version `v`): what a host must carry of one
/// tenant network, as a whole (the agent makes the kernel match it, so repeating it is harmless):
/// the VXLAN segment and MTU, the flood list (the underlay addresses of the other hosts, in any
/// site, with a port on the network) and the remote ports' MACs with their hosts' addresses.
/// `DELETE` on the same path removes the network from the host.
public struct NetworkWiring: Sendable, Hashable, Codable {
    public var v = AgentProtocol.version
    public var vni: Int
    public var mtu: Int
    public var peers: [String]
    public var macs: [String: String]

    public init(vni: Int, mtu: Int, peers: [String], macs: [String: String] = [:]) {
        self.vni = vni
        self.mtu = mtu
        self.peers = peers
        self.macs = macs
    }
}

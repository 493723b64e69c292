/// Traffic one security group rule allows a port, in one direction, with its remote side as
/// addresses: `remote` nil is any address, otherwise only these prefixes (a remote group becomes
/// its members' addresses; an empty list allows nothing). `proto` is a name (`tcp`, `udp`,
/// `icmp`, …) or an IP protocol number; for ICMP, `portMin`/`portMax` are type and code
/// (Neutron's convention).
public struct FilterRule: Sendable, Hashable, Codable {
    public enum Family: String, Sendable, Hashable, Codable { case ipv4 = "IPv4", ipv6 = "IPv6" }

    public var family: Family
    public var proto: String?
    public var portMin: Int?
    public var portMax: Int?
    public var remote: [String]?

    public init(family: Family = .ipv4, proto: String? = nil, portMin: Int? = nil, portMax: Int? = nil, remote: [String]? = nil) {
        self.family = family
        self.proto = proto
        self.portMin = portMin
        self.portMax = portMax
        self.remote = remote
    }
}

/// What a host enforces for one port of a network (DESIGN §8.3): its MAC and addresses (the only
/// sources it may send from: anti-spoofing) and the traffic its security groups allow, with
/// remote groups already resolved to addresses. `security` false is Neutron's
/// `port_security_enabled=false`: the port is neither filtered nor checked for spoofing.
public struct PortFilter: Sendable, Hashable, Codable {
    public var portID: String
    public var mac: String
    public var addresses: [String]
    public var security: Bool
    public var ingress: [FilterRule]
    public var egress: [FilterRule]

    public init(portID: String, mac: String, addresses: [String], security: Bool = true, ingress: [FilterRule] = [],
                egress: [FilterRule] = []) {
        self.portID = portID
        self.mac = mac
        self.addresses = addresses
        self.security = security
        self.ingress = ingress
        self.egress = egress
    }

    /// The port's tap on its host (as the hypervisor drivers name it).
    public var tap: String { Self.tapName(portID) }

    public static func tapName(_ portID: String) -> String { "lt" + String(portID.filter { $0 != "-" }.prefix(12)) }
}

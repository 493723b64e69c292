/// An IPv4 network in CIDR notation (`10.0.0.0/24`): its first address and prefix length.
public struct IPv4CIDR: Sendable, Hashable, CustomStringConvertible {
    public var network: IPv4Address
    public var prefix: Int

    /// `10.0.0.0/24` → the network; nil when malformed or when host bits are set (`10.0.0.1/24`),
    /// as Neutron refuses them.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let prefix = Int(parts[1]), (0...32).contains(prefix)
        else { return nil }
        let mask = Self.mask(prefix)
        guard address.value & ~mask == 0 else { return nil }
        self.network = address
        self.prefix = prefix
    }

    public init(network: IPv4Address, prefix: Int) {
        self.network = IPv4Address(network.value & Self.mask(prefix))
        self.prefix = prefix
    }

    static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : UInt32.max << (32 - UInt32(prefix)) }

    public var broadcast: IPv4Address { IPv4Address(network.value | ~Self.mask(prefix)) }
    /// The number of addresses, network and broadcast included.
    public var size: UInt64 { UInt64(1) << UInt64(32 - prefix) }

    public func contains(_ address: IPv4Address) -> Bool { address.value & Self.mask(prefix) == network.value }

    public func overlaps(_ other: IPv4CIDR) -> Bool { contains(other.network) || other.contains(network) }

    /// The usable host addresses: all but the network and broadcast address (a /31 or /32 has
    /// them all).
    public var hosts: ClosedRange<IPv4Address> {
        prefix >= 31 ? network...broadcast : IPv4Address(network.value + 1)...IPv4Address(broadcast.value - 1)
    }

    public var description: String { "\(network)/\(prefix)" }
}

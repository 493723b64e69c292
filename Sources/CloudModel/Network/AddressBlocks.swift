/// How a subnet's pools are cut into blocks that sites lease (DESIGN §3.5, §8.1): the pools'
/// addresses in order, `size` at a time. Block `i` holds the addresses at positions
/// `i*size ..< (i+1)*size` of that sequence (the last block may be shorter).
public struct AddressBlocks: Sendable, Hashable {
    public let pools: [Subnet.Pool]
    public let size: Int

    public init(_ subnet: Subnet) {
        self.init(subnet, size: Self.size(for: subnet.cidr))
    }

    public init(_ subnet: Subnet, size: Int) {
        self.pools = subnet.pools.sorted { $0.start < $1.start }
        self.size = size
    }

    /// The block size of a subnet: 16 addresses up to a /22 (a /24 gives 16 blocks, so several
    /// sites can share it), growing with the subnet to 256 from a /18 on (a /16 gives 256 blocks,
    /// so a site leases a block every 256 boots, not every 16). Fixed by the CIDR, which a subnet
    /// never changes, so a block index means the same addresses for the subnet's whole life.
    public static func size(for cidr: IPv4CIDR) -> Int {
        let hostBits = 32 - cidr.prefix
        return 1 << min(8, max(4, hostBits - 6))
    }

    public var addressCount: Int { pools.reduce(0) { $0 + $1.count } }
    public var count: Int { (addressCount + size - 1) / size }

    /// The address at `position` in the pools' sequence.
    public func address(at position: Int) -> IPv4Address? {
        var rest = position
        for pool in pools {
            if rest < pool.count { return IPv4Address(pool.start.value + UInt32(rest)) }
            rest -= pool.count
        }
        return nil
    }

    /// The position of `address` in the pools' sequence; nil outside every pool.
    public func position(of address: IPv4Address) -> Int? {
        var before = 0
        for pool in pools {
            if address >= pool.start && address <= pool.end { return before + Int(address.value - pool.start.value) }
            before += pool.count
        }
        return nil
    }

    /// The block holding `address`; nil outside every pool.
    public func block(of address: IPv4Address) -> Int? { position(of: address).map { $0 / size } }

    /// How many addresses block `index` has (`size`, fewer for the last one).
    public func count(in index: Int) -> Int { max(0, min(addressCount, (index + 1) * size) - index * size) }

    /// The addresses of block `index`.
    public func addresses(in index: Int) -> [IPv4Address] {
        let first = index * size, last = min(addressCount, first + size)
        guard first < last else { return [] }
        return (first..<last).compactMap(address(at:))
    }
}

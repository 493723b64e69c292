public import CloudModel
import Foundation

/// Ports of one site and the addresses they hold, in `site/<id>`.
///
/// Key layout: `ports/<id>` with `idx/net-ports/<network>/<id>`, `idx/device-ports/<device>/<id>` and,
/// for a port bound to a host, `idx/net-host-ports/<network>/<host>/<id>` (which hosts of the site
/// carry a network: the data plane's membership),
/// and `ips/<subnet>/<address>` holding the port's ID: an address is taken by a compare-and-set
/// on its absence, so no address of a block is ever given twice.
public struct PortRepository: Sendable {
    let table: RecordTable<StoredPort>
    let site: Site.ID

    init(engine: any KeyValueEngine, site: Site.ID, cache: DecodedRecordCache<NetworkPort>? = nil) {
        table = RecordTable(engine: engine, keyspace: .site(site), prefix: "ports/", cache: cache)
        self.site = site
    }

    static func networkIndex(_ network: Network.ID) -> String { "idx/net-ports/\(network)/" }
    static func deviceIndex(_ device: String) -> String { "idx/device-ports/\(KeyEscaping.escape(device))/" }
    static func hostIndex(_ network: Network.ID, _ host: String) -> String { "idx/net-host-ports/\(network)/\(KeyEscaping.escape(host))/" }
    static func addressKey(_ subnet: Subnet.ID, _ address: IPv4Address) -> String { "ips/\(subnet)/\(address)" }

    public func find(_ id: NetworkPort.ID) async throws -> Versioned<NetworkPort>? { try await table.find(id) }
    /// The ports of `ids` that exist, in one read.
    public func find(_ ids: [NetworkPort.ID]) async throws -> [Versioned<NetworkPort>] { try await table.findMany(ids) }
    public func all() async throws -> [NetworkPort] { try await table.all().map(\.value) }

    /// The IDs of the site's ports on `network`.
    public func portIDs(on network: Network.ID) async throws -> [NetworkPort.ID] {
        let prefix = Self.networkIndex(network)
        return try await table.engine.scan(prefix: prefix, after: nil, limit: Int.max, in: table.keyspace)
            .map { String($0.key.dropFirst(prefix.count)) }
    }

    /// Whether the site has any port on `network` (one key read).
    public func hasPorts(on network: Network.ID) async throws -> Bool {
        try await !table.engine.scan(prefix: Self.networkIndex(network), after: nil, limit: 1, in: table.keyspace).isEmpty
    }

    /// The hosts of the site with a port bound on `network`.
    public func hosts(on network: Network.ID) async throws -> Set<String> {
        let prefix = "idx/net-host-ports/\(network)/"
        return Set(try await table.engine.scan(prefix: prefix, after: nil, limit: Int.max, in: table.keyspace).compactMap {
            $0.key.dropFirst(prefix.count).split(separator: "/").first.map { String($0).removingPercentEncoding ?? String($0) }
        })
    }

    /// Whether `host` still has a port bound on `network` (one key read).
    public func hostHasPorts(_ host: String, on network: Network.ID) async throws -> Bool {
        try await !table.engine.scan(prefix: Self.hostIndex(network, host), after: nil, limit: 1, in: table.keyspace).isEmpty
    }

    /// The ports of a device (a server).
    public func ports(ofDevice device: String) async throws -> [Versioned<NetworkPort>] {
        let prefix = Self.deviceIndex(device)
        let ids = try await table.engine.scanAll(prefix: prefix, in: table.keyspace).map { String($0.key.dropFirst(prefix.count)) }
        return try await table.findMany(ids)
    }

    /// The addresses of `subnet` taken at this site.
    public func usedAddresses(in subnet: Subnet.ID) async throws -> Set<IPv4Address> {
        let prefix = "ips/\(subnet)/"
        return Set(try await table.engine.scanAll(prefix: prefix, in: table.keyspace).compactMap { IPv4Address($0.key.dropFirst(prefix.count)) })
    }

    /// Which of `candidates` (addresses of `subnet`) are taken at this site: one read of their keys.
    public func taken(_ candidates: [IPv4Address], in subnet: Subnet.ID) async throws -> Set<IPv4Address> {
        let keys = candidates.map { Self.addressKey(subnet, $0) }
        let found = Set(try await table.engine.getMany(keys, in: table.keyspace).map(\.key))
        return Set(candidates.filter { found.contains(Self.addressKey(subnet, $0)) })
    }

    /// Creates `port`, taking each of its addresses (each must be free: the commit fails on a
    /// conflict otherwise).
    public func stageCreate(_ port: NetworkPort, into txn: inout Transaction) {
        table.stagePut(port, id: port.id, expecting: nil, into: &txn)
        txn.put(Self.networkIndex(port.networkID) + port.id, Data())
        if !port.deviceID.isEmpty { txn.put(Self.deviceIndex(port.deviceID) + port.id, Data()) }
        if let host = port.hostID { txn.put(Self.hostIndex(port.networkID, host) + port.id, Data()) }
        for ip in port.fixedIPs {
            txn.require(Self.addressKey(ip.subnetID, ip.address), at: nil)
            txn.put(Self.addressKey(ip.subnetID, ip.address), Data(port.id.utf8))
        }
    }

    /// Writes a changed port, moving its device index and addresses (new addresses must be free).
    public func stageUpdate(_ port: NetworkPort, from current: Versioned<NetworkPort>, into txn: inout Transaction) {
        table.stagePut(port, id: port.id, expecting: current.revision, into: &txn)
        let old = current.value
        if old.deviceID != port.deviceID {
            if !old.deviceID.isEmpty { txn.delete(Self.deviceIndex(old.deviceID) + port.id) }
            if !port.deviceID.isEmpty { txn.put(Self.deviceIndex(port.deviceID) + port.id, Data()) }
        }
        if old.hostID != port.hostID || old.networkID != port.networkID {
            if let host = old.hostID { txn.delete(Self.hostIndex(old.networkID, host) + port.id) }
            if let host = port.hostID { txn.put(Self.hostIndex(port.networkID, host) + port.id, Data()) }
        }
        let before = Set(old.fixedIPs), after = Set(port.fixedIPs)
        for ip in before.subtracting(after) { txn.delete(Self.addressKey(ip.subnetID, ip.address)) }
        for ip in after.subtracting(before) {
            txn.require(Self.addressKey(ip.subnetID, ip.address), at: nil)
            txn.put(Self.addressKey(ip.subnetID, ip.address), Data(port.id.utf8))
        }
    }

    /// Deletes the port and frees its addresses.
    public func stageDelete(_ port: Versioned<NetworkPort>, into txn: inout Transaction) {
        table.stageDelete(id: port.value.id, expecting: port.revision, into: &txn)
        txn.delete(Self.networkIndex(port.value.networkID) + port.value.id)
        if !port.value.deviceID.isEmpty { txn.delete(Self.deviceIndex(port.value.deviceID) + port.value.id) }
        if let host = port.value.hostID { txn.delete(Self.hostIndex(port.value.networkID, host) + port.value.id) }
        for ip in port.value.fixedIPs { txn.delete(Self.addressKey(ip.subnetID, ip.address)) }
    }
}

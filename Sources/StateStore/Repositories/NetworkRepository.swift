public import CloudModel
import Foundation

/// Networks, subnets, security groups, network quotas and subnets' address-block leases, in `global`.
///
/// Key layout: `networks/<id>`, `subnets/<id>` with `idx/net-subnets/<network>/<subnet>`,
/// `secgroups/<id>` with `idx/default-secgroup/<project>` (holding the ID: one per project),
/// `netblocks/<subnet>/<block index>` holding the site that leased the block, and `routers/<id>`
/// with `idx/subnet-router/<subnet>` holding the router whose leg sits at the subnet's gateway.
public struct NetworkRepository: Sendable {
    let networks: RecordTable<StoredNetwork>
    let subnets: RecordTable<StoredSubnet>
    let groups: RecordTable<StoredSecurityGroup>
    let quotas: RecordTable<StoredNetworkQuota>
    let routers: RecordTable<StoredRouter>
    let engine: any KeyValueEngine

    /// Decoded networks, subnets, security groups and quotas (read by every boot with a NIC).
    final class Caches: Sendable {
        let networks = DecodedRecordCache<Network>(capacity: 50_000)
        let subnets = DecodedRecordCache<Subnet>(capacity: 50_000)
        let groups = DecodedRecordCache<SecurityGroup>(capacity: 50_000)
        let quotas = DecodedRecordCache<NetworkQuota>(capacity: 50_000)
    }

    init(engine: any KeyValueEngine, caches: Caches? = nil) {
        self.engine = engine
        networks = RecordTable(engine: engine, keyspace: .global, prefix: "networks/", cache: caches?.networks)
        subnets = RecordTable(engine: engine, keyspace: .global, prefix: "subnets/", cache: caches?.subnets)
        groups = RecordTable(engine: engine, keyspace: .global, prefix: "secgroups/", cache: caches?.groups)
        quotas = RecordTable(engine: engine, keyspace: .global, prefix: "netquotas/", cache: caches?.quotas)
        routers = RecordTable(engine: engine, keyspace: .global, prefix: "routers/")
    }

    // MARK: routers

    static func subnetRouterKey(_ subnet: Subnet.ID) -> String { "idx/subnet-router/\(subnet)" }

    public func router(_ id: NetworkRouter.ID) async throws -> Versioned<NetworkRouter>? { try await routers.find(id) }
    public func allRouters() async throws -> [NetworkRouter] { try await routers.all().map(\.value) }

    /// The router whose leg holds `subnet`'s gateway, if any.
    public func routerID(onSubnet subnet: Subnet.ID) async throws -> NetworkRouter.ID? {
        try await engine.get(Self.subnetRouterKey(subnet), in: .global).map { String(decoding: $0.value, as: UTF8.self) }
    }

    /// Writes a router (nil `current`: a new one) and moves its subnets' index entries: a subnet
    /// newly attached must be free (the commit fails if another router took it meanwhile).
    public func stagePut(_ router: NetworkRouter, from current: Versioned<NetworkRouter>?, into txn: inout Transaction) {
        routers.stagePut(router, id: router.id, expecting: current?.revision, into: &txn)
        let before = Set(current?.value.interfaces.map(\.subnetID) ?? []), after = Set(router.interfaces.map(\.subnetID))
        for subnet in before.subtracting(after) { txn.delete(Self.subnetRouterKey(subnet)) }
        for subnet in after.subtracting(before) {
            txn.require(Self.subnetRouterKey(subnet), at: nil)
            txn.put(Self.subnetRouterKey(subnet), Data(router.id.utf8))
        }
    }

    public func stageDelete(_ router: Versioned<NetworkRouter>, into txn: inout Transaction) {
        routers.stageDelete(id: router.value.id, expecting: router.revision, into: &txn)
        for interface in router.value.interfaces { txn.delete(Self.subnetRouterKey(interface.subnetID)) }
    }

    // MARK: quotas (`netquotas/<project>`: overrides of the defaults)

    public func quota(project: String) async throws -> Versioned<NetworkQuota>? { try await quotas.find(project) }

    public func stagePut(_ quota: NetworkQuota, project: String, expecting revision: Int64?, into txn: inout Transaction) {
        quotas.stagePut(quota, id: project, expecting: revision, into: &txn)
    }

    public func stageDeleteQuota(_ quota: Versioned<NetworkQuota>, project: String, into txn: inout Transaction) {
        quotas.stageDelete(id: project, expecting: quota.revision, into: &txn)
    }

    // MARK: networks

    public func network(_ id: Network.ID) async throws -> Versioned<Network>? { try await networks.find(id) }
    public func allNetworks() async throws -> [Network] { try await networks.all().map(\.value) }

    public func stagePut(_ network: Network, expecting revision: Int64?, into txn: inout Transaction) {
        networks.stagePut(network, id: network.id, expecting: revision, into: &txn)
    }

    public func stageDelete(_ network: Versioned<Network>, into txn: inout Transaction) {
        networks.stageDelete(id: network.value.id, expecting: network.revision, into: &txn)
    }

    /// Makes `txn` fail if the network changed or went since it was read.
    public func stageRequireUnchanged(_ network: Versioned<Network>, into txn: inout Transaction) {
        txn.require(networks.key(network.value.id), at: network.revision)
    }

    // MARK: subnets

    static func subnetIndex(_ network: Network.ID) -> String { "idx/net-subnets/\(network)/" }

    public func subnet(_ id: Subnet.ID) async throws -> Versioned<Subnet>? { try await subnets.find(id) }
    public func allSubnets() async throws -> [Subnet] { try await subnets.all().map(\.value) }

    /// The subnets of `network`, and the revision of its index (so a subnet create can be
    /// checked against one made concurrently on the same network).
    public func subnets(of network: Network.ID) async throws -> [Versioned<Subnet>] {
        let prefix = Self.subnetIndex(network)
        let ids = try await engine.scanAll(prefix: prefix, in: .global).map { String($0.key.dropFirst(prefix.count)) }
        return try await subnets.findMany(ids)
    }

    /// Adds the subnet and its index entry; `siblings` are the network's subnets it was checked
    /// against, each required unchanged.
    public func stageCreate(_ subnet: Subnet, checkedAgainst siblings: [Versioned<Subnet>], into txn: inout Transaction) {
        subnets.stagePut(subnet, id: subnet.id, expecting: nil, into: &txn)
        for sibling in siblings { txn.require(subnets.key(sibling.value.id), at: sibling.revision) }
        txn.put(Self.subnetIndex(subnet.networkID) + subnet.id, Data())
    }

    public func stageUpdate(_ subnet: Subnet, from current: Versioned<Subnet>, into txn: inout Transaction) {
        subnets.stagePut(subnet, id: subnet.id, expecting: current.revision, into: &txn)
    }

    public func stageDelete(_ subnet: Versioned<Subnet>, into txn: inout Transaction) {
        subnets.stageDelete(id: subnet.value.id, expecting: subnet.revision, into: &txn)
        txn.delete(Self.subnetIndex(subnet.value.networkID) + subnet.value.id)
    }

    // MARK: address blocks

    static func blockPrefix(_ subnet: Subnet.ID) -> String { "netblocks/\(subnet)/" }

    /// Which site holds each leased block of `subnet`, with the lease's revision.
    public func blocks(of subnet: Subnet.ID) async throws -> [Int: (site: Site.ID, revision: Int64)] {
        let prefix = Self.blockPrefix(subnet)
        var result: [Int: (site: Site.ID, revision: Int64)] = [:]
        for entry in try await engine.scanAll(prefix: prefix, in: .global) {
            if let index = Int(entry.key.dropFirst(prefix.count)) {
                result[index] = (String(decoding: entry.value, as: UTF8.self), entry.revision)
            }
        }
        return result
    }

    /// Leases block `index` of `subnet` to `site` if no site holds it.
    public func stageLease(block index: Int, of subnet: Subnet.ID, to site: Site.ID, into txn: inout Transaction) {
        let key = Self.blockPrefix(subnet) + String(index)
        txn.require(key, at: nil)
        txn.put(key, Data(site.utf8))
    }

    /// Drops every lease of a subnet being deleted.
    public func stageReleaseBlocks(_ blocks: [Int: (site: Site.ID, revision: Int64)], of subnet: Subnet.ID, into txn: inout Transaction) {
        for (index, lease) in blocks {
            let key = Self.blockPrefix(subnet) + String(index)
            txn.require(key, at: lease.revision)
            txn.delete(key)
        }
    }

    // MARK: security groups

    static func defaultGroupKey(_ project: String) -> String { "idx/default-secgroup/\(project)" }

    public func securityGroup(_ id: SecurityGroup.ID) async throws -> Versioned<SecurityGroup>? { try await groups.find(id) }
    public func allSecurityGroups() async throws -> [SecurityGroup] { try await groups.all().map(\.value) }

    /// The ID of `project`'s `default` group, if it was made.
    public func defaultGroupID(project: String) async throws -> SecurityGroup.ID? {
        try await engine.get(Self.defaultGroupKey(project), in: .global).map { String(decoding: $0.value, as: UTF8.self) }
    }

    /// Creates `group`; as the project's `default` group only if it has none yet.
    public func stageCreate(_ group: SecurityGroup, asDefault: Bool, into txn: inout Transaction) {
        groups.stagePut(group, id: group.id, expecting: nil, into: &txn)
        if asDefault {
            txn.require(Self.defaultGroupKey(group.projectID), at: nil)
            txn.put(Self.defaultGroupKey(group.projectID), Data(group.id.utf8))
        }
    }

    public func stageUpdate(_ group: SecurityGroup, from current: Versioned<SecurityGroup>, into txn: inout Transaction) {
        groups.stagePut(group, id: group.id, expecting: current.revision, into: &txn)
    }

    public func stageDelete(_ group: Versioned<SecurityGroup>, into txn: inout Transaction) {
        groups.stageDelete(id: group.value.id, expecting: group.revision, into: &txn)
    }
}

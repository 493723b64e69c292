public import CloudModel
import Foundation
import LUCBase
public import StateStore

/// Neutron's networks and subnets: written in `global` (they span sites), each write one
/// compare-and-set transaction. A network's ports live at their sites; deleting a network or a
/// subnet asks every site whether it still has ports or addresses there.
public struct NetworkService: Sendable {
    let store: Store
    let sites: SiteDirectory
    let configuration: ControllerConfiguration
    let quotas: NetworkQuotaService
    /// Address-pick hints of this controller, shared by every allocation it makes.
    let addressPicks = AddressPicks()
    let clock: any WallClock

    public init(store: Store, sites: SiteDirectory, configuration: ControllerConfiguration, quotas: NetworkQuotaService,
                clock: any WallClock) {
        self.store = store
        self.sites = sites
        self.configuration = configuration
        self.quotas = quotas
        self.clock = clock
    }

    static func newID() -> String { ResourceID.makeGlobal() }

    func requireProject(_ p: Principal) throws -> String {
        guard let project = p.projectID else { throw ControlPlaneError.unauthorized("A project-scoped token is required.") }
        return project
    }

    func requireWrite(_ p: Principal) throws {
        guard p.canWrite else { throw ControlPlaneError(.forbidden, "The reader role cannot change resources.", kind: "PolicyNotAuthorized") }
    }

    /// Whether `p` may see `network`: its project's, shared or external ones, or any for admins.
    func visible(_ network: Network, to p: Principal) -> Bool {
        p.isAdmin || network.projectID == p.projectID || network.shared || network.external
    }

    // MARK: networks

    /// Fields of a network create or update; nil leaves the default (create) or the value (update).
    public struct NetworkFields: Sendable {
        public var name: String?
        public var description: String?
        public var adminStateUp: Bool?
        public var shared: Bool?
        public var external: Bool?
        public var mtu: Int?
        public var zoneHints: [String]?
        public var portSecurityEnabled: Bool?
        /// Admins may create a network for another project.
        public var projectID: String?
        public init() {}
    }

    public func createNetwork(_ fields: NetworkFields, by p: Principal) async throws -> Network {
        let project = try requireProject(p)
        try requireWrite(p)
        if (fields.shared == true || fields.external == true || fields.projectID.map { $0 != project } == true) && !p.isAdmin {
            throw ControlPlaneError(.forbidden, "Only administrators may create shared or external networks or networks of other projects.",
                                    kind: "PolicyNotAuthorized")
        }
        let mtu = fields.mtu ?? Network.vxlanMTU
        guard (68...Network.vxlanMTU).contains(mtu) else {
            throw ControlPlaneError(.badRequest, "Invalid input for mtu: must be between 68 and \(Network.vxlanMTU) (the VXLAN underlay's).",
                                    kind: "InvalidInput")
        }
        for zone in fields.zoneHints ?? [] where await sites.site(zone) == nil {
            throw ControlPlaneError(.badRequest, "AvailabilityZone \(zone) could not be found.", kind: "AvailabilityZoneNotFound")
        }
        try validateName(fields.name ?? "")
        if fields.external == true && (fields.zoneHints?.count ?? 0) > 1 {
            throw ControlPlaneError(.badRequest, "An external network is one site's uplink: give at most one availability zone hint.",
                                    kind: "InvalidInput")
        }
        try await quotas.check("network", project: fields.projectID ?? project)
        let vni = try await store.globalCounters.next("vni")
        var network = Network(id: Self.newID(), name: fields.name ?? "", description: fields.description ?? "",
                              projectID: fields.projectID ?? project, adminStateUp: fields.adminStateUp ?? true,
                              shared: fields.shared ?? false, external: fields.external ?? false, mtu: mtu,
                              segmentationID: vni, zoneHints: fields.zoneHints ?? [],
                              portSecurityEnabled: fields.portSecurityEnabled ?? true, createdAt: clock.now())
        if network.external { network.uplinkSite = network.zoneHints.first ?? configuration.site }
        network.revision = 1
        var txn = Transaction()
        store.networks.stagePut(network, expecting: nil, into: &txn)
        try await store.commit(txn, in: .global)
        return network
    }

    func validateName(_ name: String) throws {
        guard name.count <= 255 else { throw ControlPlaneError(.badRequest, "Invalid input: name is at most 255 characters.", kind: "InvalidInput") }
    }

    public func networks(by p: Principal) async throws -> [Network] {
        try await store.networks.allNetworks().filter { visible($0, to: p) }
    }

    public func network(_ id: String, by p: Principal) async throws -> Versioned<Network> {
        guard let found = try await store.networks.network(id), visible(found.value, to: p) else {
            throw ControlPlaneError(.notFound, "Network \(id) could not be found.", kind: "NetworkNotFound")
        }
        return found
    }

    /// The network, if `p` may change it (its project's, or any for admins).
    func ownedNetwork(_ id: String, by p: Principal) async throws -> Versioned<Network> {
        let found = try await network(id, by: p)
        guard p.isAdmin || found.value.projectID == p.projectID else {
            throw ControlPlaneError(.forbidden, "The network \(id) belongs to another project.", kind: "PolicyNotAuthorized")
        }
        return found
    }

    public func updateNetwork(_ id: String, _ fields: NetworkFields, by p: Principal) async throws -> Network {
        try requireWrite(p)
        if (fields.shared != nil || fields.external != nil) && !p.isAdmin {
            throw ControlPlaneError(.forbidden, "Only administrators may change shared or router:external.", kind: "PolicyNotAuthorized")
        }
        if let mtu = fields.mtu, !(68...Network.vxlanMTU).contains(mtu) {
            throw ControlPlaneError(.badRequest, "Invalid input for mtu: must be between 68 and \(Network.vxlanMTU).", kind: "InvalidInput")
        }
        if let name = fields.name { try validateName(name) }
        return try await retryOnConflict {
            let current = try await ownedNetwork(id, by: p)
            var network = current.value
            if let v = fields.name { network.name = v }
            if let v = fields.description { network.description = v }
            if let v = fields.adminStateUp { network.adminStateUp = v }
            if let v = fields.shared { network.shared = v }
            if let v = fields.external, v != network.external {
                if !v, let site = network.uplinkSite, try await store.ports(site).hasPorts(on: id) {
                    throw ControlPlaneError(.conflict, "External network \(id) has routers' gateways or floating IPs: it stays external.",
                                            kind: "ExternalNetworkInUse")
                }
                network.external = v
                network.uplinkSite = v ? network.zoneHints.first ?? configuration.site : nil
            }
            if let v = fields.mtu { network.mtu = v }
            if let v = fields.portSecurityEnabled { network.portSecurityEnabled = v }
            network.updatedAt = clock.now()
            network.revision += 1
            var txn = Transaction()
            store.networks.stagePut(network, expecting: current.revision, into: &txn)
            try await store.commit(txn, in: .global)
            return network
        }
    }

    /// Deletes a network and its subnets; 409 `NetworkInUse` while any site has ports on it
    /// (and 503 when a site cannot say).
    public func deleteNetwork(_ id: String, by p: Principal) async throws {
        try requireWrite(p)
        let network = try await ownedNetwork(id, by: p)
        for site in await sites.all() {
            let used: Bool
            do { used = try await store.ports(site.id).hasPorts(on: id) } catch {
                throw ControlPlaneError(.unavailable, "Site \(site.id) does not answer: whether it has ports on network \(id) is unknown.")
            }
            if used {
                throw ControlPlaneError(.conflict, "Unable to complete operation on network \(id). There are one or more ports still in use on the network.",
                                        kind: "NetworkInUse")
            }
        }
        if let uplink = network.value.uplinkSite, try await store.floatingIPs(uplink).all().contains(where: { $0.value.networkID == id }) {
            throw ControlPlaneError(.conflict, "Unable to complete operation on network \(id). There are one or more floating IPs on the network.",
                                    kind: "NetworkInUse")
        }
        var txn = Transaction()
        store.networks.stageDelete(network, into: &txn)
        for subnet in try await store.networks.subnets(of: id) {
            store.networks.stageDelete(subnet, into: &txn)
            store.networks.stageReleaseBlocks(try await store.networks.blocks(of: subnet.value.id), of: subnet.value.id, into: &txn)
        }
        try await store.commit(txn, in: .global)
    }
}

public import CloudModel
import Foundation
import LUCBase
public import StateStore

/// Neutron's floating IPs. A floating IP lives in the keyspace of its external network's site
/// (the uplink it answers on), its address allocated there from the blocks that site holds.
/// Associating one with a port needs a router at that site with a leg on the port's subnet and
/// its gateway on the floating IP's network. The server's record carries the floating address
/// for its views (written after the floating IP itself, at the server's site).
public struct FloatingIPService: Sendable {
    let store: Store
    let sites: SiteDirectory
    let configuration: ControllerConfiguration
    let networks: NetworkService
    let ports: PortService
    let clock: any WallClock

    public init(store: Store, sites: SiteDirectory, configuration: ControllerConfiguration, networks: NetworkService, ports: PortService,
                clock: any WallClock) {
        self.store = store
        self.sites = sites
        self.configuration = configuration
        self.networks = networks
        self.ports = ports
        self.clock = clock
    }

    /// Fields of a floating IP create (all) or update (`portID`, `fixedAddress`, `description`).
    public struct Fields: Sendable {
        public var networkID: String?
        public var subnetID: String?
        public var address: String?
        /// `.some(nil)` disassociates.
        public var portID: String??
        public var fixedAddress: String?
        public var description: String?
        public var projectID: String?
        public init() {}
    }

    static func notFound(_ id: String) -> ControlPlaneError {
        ControlPlaneError(.notFound, "Floating IP \(id) could not be found", kind: "FloatingIPNotFound")
    }

    public func create(_ f: Fields, by p: Principal) async throws -> FloatingIP {
        let project = try networks.requireProject(p)
        try networks.requireWrite(p)
        guard let networkID = f.networkID else {
            throw ControlPlaneError(.badRequest, "Invalid input for operation: floating_network_id is required.", kind: "InvalidInput")
        }
        if f.projectID.map({ $0 != project }) == true && !p.isAdmin {
            throw ControlPlaneError(.forbidden, "Only administrators may create floating IPs of other projects.", kind: "PolicyNotAuthorized")
        }
        if f.address != nil && !p.isAdmin {
            throw ControlPlaneError(.forbidden, "Only administrators may choose a floating IP address.", kind: "PolicyNotAuthorized")
        }
        let owner = f.projectID ?? project
        let network: Network
        do { network = try await networks.network(networkID, by: p).value } catch {
            throw ControlPlaneError(.notFound, "Network \(networkID) could not be found.", kind: "NetworkNotFound")
        }
        guard network.external, let siteID = network.uplinkSite, let site = await sites.site(siteID) else {
            throw ControlPlaneError(.badRequest, "Bad floatingip request: Network \(networkID) is not a valid external network.", kind: "BadRequest")
        }
        let subnets = try await store.networks.subnets(of: networkID).map(\.value).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        let candidates = f.subnetID.map { id in subnets.filter { $0.id == id } } ?? subnets
        guard !candidates.isEmpty else {
            throw ControlPlaneError(.badRequest, "Bad floatingip request: external network \(networkID) has no subnet\(f.subnetID.map { " \($0)" } ?? "").",
                                    kind: "BadRequest")
        }
        let wanted = try f.address.map { text -> IPv4Address in
            guard let a = IPv4Address(text) else {
                throw ControlPlaneError(.badRequest, "Invalid input for floating_ip_address: '\(text)' is not a valid IP address.", kind: "InvalidInput")
            }
            return a
        }
        try await networks.quotas.check("floatingip", project: owner)
        var association: FloatingIP.Association?
        if case let .some(.some(portID)) = f.portID {
            association = try await associationFor(portID: portID, fixed: f.fixedAddress, networkID: networkID, site: site.id, by: p)
        }
        let fip = try await retryOnConflict {
            let allocator = AddressAllocator(store: store, site: site, picks: networks.addressPicks)
            var picked: (Subnet, IPv4Address)?
            var lastError: (any Error)?
            for subnet in candidates where wanted.map({ subnet.cidr.contains($0) }) ?? true {
                do {
                    picked = (subnet, try await allocator.pick(in: subnet, wanted: wanted))
                    break
                } catch let error as ControlPlaneError where error.kind == "IpAddressGenerationFailure" {
                    lastError = error
                }
            }
            guard let (subnet, address) = picked else {
                throw lastError ?? ControlPlaneError(.badRequest, "Invalid input for floating_ip_address: \(f.address ?? "") is in no subnet of network \(networkID).",
                                                     kind: "InvalidInput")
            }
            var fip = FloatingIP(id: ResourceID.make(siteIndex: site.index), projectID: owner, description: f.description ?? "",
                                 networkID: networkID, subnetID: subnet.id, address: address, site: site.id, createdAt: clock.now())
            fip.association = association
            fip.revision = 1
            var txn = Transaction()
            store.floatingIPs(site.id).stageCreate(fip, into: &txn)
            try await commitAssociation(txn, at: site.id, association)
            return fip
        }
        if let association {
            try await showOnServer(association.portID, adding: fip.address, removing: nil)
            await ports.wiring.routerChanged(association.routerID)
        }
        return fip
    }

    /// Commits `txn`, turning a taken fixed-address entry into Neutron's 409.
    func commitAssociation(_ txn: Transaction, at site: Site.ID, _ association: FloatingIP.Association?) async throws {
        do {
            try await store.commit(txn, in: .site(site))
        } catch let error as StoreError where error.code == .conflict {
            if let association, try await store.floatingIPs(site).isAssociated(association) {
                throw ControlPlaneError(.conflict, "Cannot associate floating IP with port \(association.portID) using fixed IP \(association.fixedAddress), as that fixed IP already has a floating IP on external network.",
                                        kind: "FloatingIPPortAlreadyAssociated")
            }
            throw error
        }
    }

    /// Where a floating IP on `networkID` (at `site`) would forward to for `portID`: the port's
    /// fixed address asked (or its first), through the router holding that subnet's gateway,
    /// which must have its gateway on `networkID`.
    func associationFor(portID: String, fixed: String?, networkID: Network.ID, site: Site.ID, by p: Principal) async throws
        -> FloatingIP.Association
    {
        let port: NetworkPort
        do { port = try await ports.get(portID, by: p).value } catch {
            throw ControlPlaneError(.notFound, "Port \(portID) could not be found.", kind: "PortNotFound")
        }
        let chosen: NetworkPort.FixedIP
        if let fixed {
            guard let a = IPv4Address(fixed), let held = port.fixedIPs.first(where: { $0.address == a }) else {
                throw ControlPlaneError(.badRequest, "Bad floatingip request: Port \(portID) does not have fixed ip \(fixed).", kind: "BadRequest")
            }
            chosen = held
        } else {
            guard let first = port.fixedIPs.first else {
                throw ControlPlaneError(.badRequest, "Bad floatingip request: Port \(portID) does not have any IPv4 address.", kind: "BadRequest")
            }
            chosen = first
        }
        guard let routerID = try await store.networks.routerID(onSubnet: chosen.subnetID),
              let router = try await store.networks.router(routerID)?.value, router.gateway?.networkID == networkID, router.site == site
        else {
            throw ControlPlaneError(.notFound, "External network \(networkID) is not reachable from subnet \(chosen.subnetID). Therefore, cannot associate Port \(portID) with a Floating IP.",
                                    kind: "ExternalGatewayForFloatingIPNotFound")
        }
        return FloatingIP.Association(portID: portID, fixedAddress: chosen.address, routerID: router.id)
    }

    /// Floating IPs `p` may see at every site that answers in time.
    public func list(by p: Principal) async throws -> [FloatingIP] {
        let project = try networks.requireProject(p)
        let gathered = await scatter(await sites.all(), deadline: configuration.siteTimeout) { site in
            try await store.floatingIPs(site.id).all().map(\.value)
        }
        return gathered.parts.values.flatMap { $0 }.filter { p.isAdmin || $0.projectID == project }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func get(_ id: String, by p: Principal) async throws -> Versioned<FloatingIP> {
        guard let normalized = ResourceID.normalized(id), let site = await sites.home(of: normalized),
              let fip = try await store.floatingIPs(site.id).find(normalized), p.isAdmin || fip.value.projectID == p.projectID
        else { throw Self.notFound(id) }
        return fip
    }

    /// Associates (`portID`) or disassociates (`portID` `.some(nil)`), and changes the description.
    public func update(_ id: String, _ f: Fields, by p: Principal) async throws -> FloatingIP {
        try networks.requireWrite(p)
        var before: FloatingIP.Association?
        let fip = try await retryOnConflict {
            let current = try await get(id, by: p)
            var fip = current.value
            before = fip.association
            if let v = f.description { fip.description = v }
            if let wanted = f.portID {
                if let portID = wanted {
                    fip.association = try await associationFor(portID: portID, fixed: f.fixedAddress, networkID: fip.networkID, site: fip.site, by: p)
                } else {
                    fip.association = nil
                }
            }
            fip.updatedAt = clock.now()
            fip.revision += 1
            var txn = Transaction()
            store.floatingIPs(fip.site).stageUpdate(fip, from: current, into: &txn)
            try await commitAssociation(txn, at: fip.site, fip.association == before ? nil : fip.association)
            return fip
        }
        if before != fip.association {
            if let before { try await showOnServer(before.portID, adding: nil, removing: fip.address) }
            if let after = fip.association { try await showOnServer(after.portID, adding: fip.address, removing: nil) }
            for router in Set([before?.routerID, fip.association?.routerID].compactMap { $0 }).sorted() { await ports.wiring.routerChanged(router) }
        }
        return fip
    }

    public func delete(_ id: String, by p: Principal) async throws {
        try networks.requireWrite(p)
        let gone = try await retryOnConflict {
            let current = try await get(id, by: p)
            var txn = Transaction()
            store.floatingIPs(current.value.site).stageDelete(current, into: &txn)
            try await store.commit(txn, in: .site(current.value.site))
            return current.value
        }
        if let a = gone.association {
            try await showOnServer(a.portID, adding: nil, removing: gone.address)
            await ports.wiring.routerChanged(a.routerID)
        }
    }

    /// Adds or removes a floating address on the NIC of the server using `portID` (its views show
    /// it as Nova's `floating` address). Nothing when the port has no server.
    func showOnServer(_ portID: NetworkPort.ID, adding: IPv4Address?, removing: IPv4Address?) async throws {
        guard let site = await sites.home(of: portID), let port = try await store.ports(site.id).find(portID)?.value,
              !port.deviceID.isEmpty, port.deviceOwner.hasPrefix("compute:")
        else { return }
        try await retryOnConflict {
            guard let current = try await store.servers(site.id).find(port.deviceID) else { return }
            var server = current.value
            guard let index = server.nics.firstIndex(where: { $0.portID == portID }) else { return }
            if let removing { server.nics[index].floatingAddresses.removeAll { $0 == removing } }
            if let adding, !server.nics[index].floatingAddresses.contains(adding) { server.nics[index].floatingAddresses.append(adding) }
            guard server != current.value else { return }
            server.updatedAt = clock.now()
            var txn = Transaction()
            store.servers(site.id).stageUpdate(server, from: current, into: &txn)
            try await store.commit(txn, in: .site(site.id))
        }
    }
}

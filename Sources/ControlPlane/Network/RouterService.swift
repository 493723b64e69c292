public import CloudModel
import Foundation
import LUCBase
public import StateStore

/// Neutron's routers. A router's record is in `global`; it lives at one site (the uplink site of
/// its external network, or the one asked for), where its ports are: a gateway port on the
/// external network and one interface port per attached subnet, at the subnet's gateway address.
/// `idx/subnet-router/<subnet>` in `global` keeps a subnet's gateway on one router across sites.
///
/// An attach writes `global` (the router and the index) and then the router's site (the port); if
/// the second write fails the first is undone, and a router listing an interface whose port is
/// missing is still detached cleanly.
public struct RouterService: Sendable {
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

    /// The external gateway asked for (`external_gateway_info`).
    public struct GatewayFields: Sendable {
        public var networkID: String
        public var enableSNAT: Bool?
        public var fixedIPs: [(subnetID: String?, address: String?)]?
        public init(networkID: String, enableSNAT: Bool? = nil, fixedIPs: [(subnetID: String?, address: String?)]? = nil) {
            self.networkID = networkID
            self.enableSNAT = enableSNAT
            self.fixedIPs = fixedIPs
        }
    }

    /// Fields of a router create or update; nil: default or unchanged. `gateway` `.some(nil)` clears it.
    public struct RouterFields: Sendable {
        public var name: String?
        public var description: String?
        public var adminStateUp: Bool?
        public var gateway: GatewayFields??
        public var zoneHints: [String]?
        public var projectID: String?
        public init() {}
    }

    /// What an interface change answers (Neutron's `add_router_interface` body).
    public struct InterfaceInfo: Sendable {
        public var routerID: NetworkRouter.ID
        public var projectID: String
        public var portID: NetworkPort.ID
        public var subnetID: Subnet.ID
        public var networkID: Network.ID
    }

    static func notFound(_ id: String) -> ControlPlaneError {
        ControlPlaneError(.notFound, "Router \(id) could not be found", kind: "RouterNotFound")
    }

    static func badRequest(_ message: String) -> ControlPlaneError {
        ControlPlaneError(.badRequest, "Bad router request: \(message)", kind: "BadRequest")
    }

    public func routers(by p: Principal) async throws -> [NetworkRouter] {
        try await store.networks.allRouters().filter { p.isAdmin || $0.projectID == p.projectID }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func router(_ id: String, by p: Principal) async throws -> Versioned<NetworkRouter> {
        guard let found = try await store.networks.router(id), p.isAdmin || found.value.projectID == p.projectID else {
            throw Self.notFound(id)
        }
        return found
    }

    public func create(_ f: RouterFields, by p: Principal) async throws -> NetworkRouter {
        let project = try networks.requireProject(p)
        try networks.requireWrite(p)
        if f.projectID.map({ $0 != project }) == true && !p.isAdmin {
            throw ControlPlaneError(.forbidden, "Only administrators may create routers of other projects.", kind: "PolicyNotAuthorized")
        }
        let owner = f.projectID ?? project
        try networks.validateName(f.name ?? "")
        let hints = f.zoneHints ?? []
        guard hints.count <= 1 else { throw Self.badRequest("a router lives at one site: give at most one availability zone hint.") }
        for zone in hints where await sites.site(zone) == nil {
            throw ControlPlaneError(.badRequest, "AvailabilityZone \(zone) could not be found.", kind: "AvailabilityZoneNotFound")
        }
        var gatewayNetwork: Network?
        if case let .some(.some(g)) = f.gateway { gatewayNetwork = try await externalNetwork(g.networkID, by: p) }
        let siteID = hints.first ?? gatewayNetwork?.uplinkSite ?? configuration.site
        guard let site = await sites.site(siteID) else { throw Self.badRequest("site \(siteID) is unknown.") }
        try await networks.quotas.check("router", project: owner)
        var router = NetworkRouter(id: ResourceID.makeGlobal(), name: f.name ?? "", description: f.description ?? "", projectID: owner,
                            adminStateUp: f.adminStateUp ?? true, site: site.id, createdAt: clock.now())
        router.revision = 1
        if case let .some(.some(g)) = f.gateway, let gatewayNetwork {
            router.gateway = try await makeGateway(g, on: gatewayNetwork, for: router, at: site)
        }
        var txn = Transaction()
        store.networks.stagePut(router, from: nil, into: &txn)
        do {
            try await store.commit(txn, in: .global)
        } catch {
            if let gateway = router.gateway { try? await ports.deleteDevicePort(gateway.portID) }
            throw error
        }
        if router.gateway != nil { await ports.wiring.routerChanged(router.id) }
        return router
    }

    /// An external network `p` may see, with the site whose uplink it is.
    func externalNetwork(_ id: String, by p: Principal) async throws -> Network {
        let network: Network
        do { network = try await networks.network(id, by: p).value } catch {
            throw ControlPlaneError(.notFound, "Network \(id) could not be found.", kind: "NetworkNotFound")
        }
        guard network.external, network.uplinkSite != nil else {
            throw Self.badRequest("Network \(id) is not an external network.")
        }
        return network
    }

    /// Makes the router's gateway port on `network` (which must be its site's uplink).
    func makeGateway(_ g: GatewayFields, on network: Network, for router: NetworkRouter, at site: Site) async throws -> NetworkRouter.Gateway {
        guard network.uplinkSite == site.id else {
            throw Self.badRequest("external network \(network.id) is the uplink of site \(network.uplinkSite ?? "?"), and router \(router.id) lives at site \(site.id): a router's gateway is on its own site's external network.")
        }
        let port = try await ports.createDevicePort(on: network, at: site, wanted: g.fixedIPs, deviceID: router.id,
                                                    deviceOwner: NetworkRouter.gatewayOwner, projectID: "")
        guard !port.fixedIPs.isEmpty else {
            try? await ports.deleteDevicePort(port.id)
            throw Self.badRequest("external network \(network.id) has no subnet to give the router an address.")
        }
        return NetworkRouter.Gateway(networkID: network.id, portID: port.id, enableSNAT: g.enableSNAT ?? true, fixedIPs: port.fixedIPs)
    }

    public func update(_ id: String, _ f: RouterFields, by p: Principal) async throws -> NetworkRouter {
        try networks.requireWrite(p)
        if let name = f.name { try networks.validateName(name) }
        if f.zoneHints != nil { throw Self.badRequest("availability_zone_hints cannot be changed.") }
        var made: NetworkRouter.Gateway?
        var retired: NetworkRouter.Gateway?
        do {
            let updated = try await retryOnConflict {
                let current = try await self.router(id, by: p)
                var router = current.value
                if let v = f.name { router.name = v }
                if let v = f.description { router.description = v }
                if let v = f.adminStateUp { router.adminStateUp = v }
                if let wanted = f.gateway {
                    if let made { try? await ports.deleteDevicePort(made.portID) }
                    made = nil
                    retired = nil
                    switch (wanted, router.gateway) {
                    case (nil, let old?):
                        try await requireNoFloatingIPs(on: router, "its gateway cannot be cleared")
                        retired = old
                        router.gateway = nil
                    case (nil, nil):
                        break
                    case let (g?, old?) where g.networkID == old.networkID && g.fixedIPs == nil:
                        router.gateway?.enableSNAT = g.enableSNAT ?? old.enableSNAT
                    case let (g?, old):
                        if old != nil { try await requireNoFloatingIPs(on: router, "its gateway cannot move") }
                        guard let site = await sites.site(router.site) else { throw Self.badRequest("site \(router.site) is unknown.") }
                        let gateway = try await makeGateway(g, on: try await externalNetwork(g.networkID, by: p), for: router, at: site)
                        made = gateway
                        retired = old
                        router.gateway = gateway
                    }
                }
                router.updatedAt = clock.now()
                router.revision += 1
                var txn = Transaction()
                store.networks.stagePut(router, from: current, into: &txn)
                try await store.commit(txn, in: .global)
                return router
            }
            // The host of the old gateway stops running the router, which is then stated again
            // wherever it now runs, and only then the old port goes (its network's bridge with it).
            if let retired { await routerGone(gateway: retired.portID, updated.id) }
            if updated.gateway != nil || !updated.interfaces.isEmpty { await ports.wiring.routerChanged(updated.id) }
            if let retired { try await ports.deleteDevicePort(retired.portID) }
            return updated
        } catch {
            if let made { try? await ports.deleteDevicePort(made.portID) }
            throw error
        }
    }

    /// Deletes a router without interfaces (409 `RouterInUse` otherwise), and its gateway port.
    public func delete(_ id: String, by p: Principal) async throws {
        try networks.requireWrite(p)
        let gateway = try await retryOnConflict { () -> NetworkRouter.Gateway? in
            let current = try await router(id, by: p)
            guard current.value.interfaces.isEmpty else {
                throw ControlPlaneError(.conflict, "Router \(id) still has ports", kind: "RouterInUse")
            }
            var txn = Transaction()
            store.networks.stageDelete(current, into: &txn)
            try await store.commit(txn, in: .global)
            return current.value.gateway
        }
        if let gateway {
            await routerGone(gateway: gateway.portID, id)
            try await ports.deleteDevicePort(gateway.portID)
        }
    }

    /// Before the last port of a router goes: the host it runs on stops running it.
    func routerGone(gateway portID: NetworkPort.ID, _ id: NetworkRouter.ID) async {
        guard let site = await sites.home(of: portID), let port = try? await store.ports(site.id).find(portID)?.value,
              let host = port.hostID else { return }
        await ports.wiring.routerRemoved(id, from: host, networks: [], site: site.id)
    }

    /// 409 while a floating IP reaches a port through this router.
    func requireNoFloatingIPs(on router: NetworkRouter, subnet: Subnet? = nil, _ what: String) async throws {
        let fips = try await store.floatingIPs(router.site).all().map(\.value).filter { fip in
            guard let a = fip.association, a.routerID == router.id else { return false }
            return subnet.map { $0.cidr.contains(a.fixedAddress) } ?? true
        }
        if let first = fips.first {
            let kind = subnet == nil ? "RouterExternalGatewayInUseByFloatingIp" : "RouterInterfaceInUseByFloatingIP"
            throw ControlPlaneError(.conflict, "Router \(router.id): \(what), as it is required by floating IP \(first.id) (and \(fips.count - 1) more).",
                                    kind: kind)
        }
    }
}

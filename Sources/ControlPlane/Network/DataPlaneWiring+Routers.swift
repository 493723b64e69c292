public import AgentProtocol
public import CloudModel
import Foundation
import Logging
import StateStore

extension DataPlaneWiring {
    /// After a change to router `id` (made, a gateway or an interface added or removed, a floating
    /// IP associated or not, deleted): the router runs on one live host of its site with a data
    /// plane, as the store says. Its ports' binding (`binding:host_id`, as Neutron binds a
    /// router's ports to its L3 agent's host) records where: the host they are bound to keeps the
    /// router while it is live; otherwise one is chosen by rendezvous hashing of the router's ID
    /// over the live hosts (every controller chooses the same). The host carries the router's
    /// networks before the router is stated; the other hosts of those networks then learn the
    /// router's MACs; a host the router left is told to remove it. Runs of one router coalesce.
    public func routerChanged(_ id: NetworkRouter.ID) async {
        guard await routerRuns.begin(id) else { return }
        repeat { await placeRouter(id) } while await routerRuns.next(id)
    }

    /// After router `id` was deleted: `host` (where its ports were bound) stops running it and
    /// leaves `networks` if nothing else of its ports is on them.
    public func routerRemoved(_ id: NetworkRouter.ID, from host: ComputeHost.ID, networks: Set<Network.ID>, site: Site.ID) async {
        if let record = try? await store.hosts(site).find(host)?.value {
            do { try await agents.unwire(router: id, host: host, at: record.agentURL) } catch {
                logger.warning("router removal failed", metadata: ["router.id": "\(id)", "host": "\(host)", "error": "\(error)"])
            }
        }
        await released(networks: networks, from: host, site: site)
    }

    /// Called by the site's maintenance: when the site's live hosts changed since the last call
    /// (and on the first), every router of the site is placed again, so a router whose host went
    /// down moves to another. A host that came (back) up first drops the routers it runs that are
    /// no longer its own (moved while it was away: two copies would answer for the same
    /// addresses) and is restated every network it has ports on (updates it missed).
    public func maintainRouters(site: Site.ID) async {
        guard let hosts = try? await routerHosts(site), let before = await routerRuns.hostsChanged(site, Set(hosts.map(\.id))) else { return }
        guard let routers = try? await store.networks.allRouters().filter({ $0.site == site }),
              let ports = try? await store.ports(site).all() else { return }
        for host in hosts where !before.contains(host.id) {
            await resync(host, ports: ports.filter { $0.hostID == host.id })
        }
        for router in routers.sorted(by: { $0.id < $1.id }) { await routerChanged(router.id) }
    }

    /// A host that came up: stale routers and networks removed, its networks restated.
    func resync(_ host: Member, ports: [NetworkPort]) async {
        let own = Set(ports.filter { $0.deviceOwner.hasPrefix("network:router") }.map { RouterWiring.hostName(of: $0.deviceID) })
        let carried = Set(ports.map { RouterWiring.hostName(of: $0.networkID) })
        do {
            for stale in try await agents.routers(host: host.id, at: host.agentURL) where !own.contains(stale) {
                logger.notice("removing a router its host no longer runs", metadata: ["router": "\(stale)", "host": "\(host.id)"])
                try await agents.unwire(router: stale, host: host.id, at: host.agentURL)
            }
            for stale in try await agents.networks(host: host.id, at: host.agentURL) where !carried.contains(stale) {
                logger.notice("removing a network its host no longer has ports on", metadata: ["network": "\(stale)", "host": "\(host.id)"])
                try await agents.unwire(network: stale, host: host.id, at: host.agentURL)
            }
        } catch {
            logger.warning("router check of a returning host failed", metadata: ["host": "\(host.id)", "error": "\(error)"])
        }
        for network in Set(ports.map(\.networkID)).sorted() { await update(network, site: host.site) }
    }

    /// The live hosts of `site` not known to lack a data plane.
    func routerHosts(_ site: Site.ID) async throws -> [Member] {
        let live = try await store.leases(site).live(.host).keys
        var members: [Member] = []
        for host in try await store.hosts(site).all().map(\.value) where host.dataPlane && live.contains(host.id) {
            if await !memory.isBare(host.id) {
                members.append(Member(id: host.id, site: site, address: host.hostIP, agentURL: host.agentURL))
            }
        }
        return members.sorted { $0.id < $1.id }
    }

    /// The host of `candidates` that runs `router`: the one with the highest stable hash of
    /// (router, host), so every controller agrees and a host going away moves only its routers.
    static func choose(_ router: NetworkRouter.ID, among candidates: [Member]) -> Member? {
        candidates.max { (Self.fnv1a(router + "|" + $0.id), $0.id) < (Self.fnv1a(router + "|" + $1.id), $1.id) }
    }

    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(14_695_981_039_346_656_037 as UInt64) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }

    func placeRouter(_ id: NetworkRouter.ID) async {
        do {
            guard let router = try await store.networks.router(id)?.value else { return }
            let site = router.site
            let portIDs = (router.gateway.map { [$0.portID] } ?? []) + router.interfaces.map(\.portID)
            let ports = try await store.ports(site).find(portIDs).map(\.value)
            guard !ports.isEmpty else { return }
            let before = Set(ports.compactMap(\.hostID))
            var candidates = try await routerHosts(site)
            while true {
                let sticky = before.count == 1 ? candidates.first { before.contains($0.id) } : nil
                guard let chosen = sticky ?? Self.choose(id, among: candidates) else {
                    // The normal case of simulated hosts (fake driver): said, not warned.
                    logger.info("router has no live host with a data plane at its site: not running", metadata: ["router.id": "\(id)", "site": "\(site)"])
                    return
                }
                var placed: [NetworkPort] = []
                for port in ports { placed.append(port.hostID == chosen.id ? port : try await bind(port.id, to: chosen.id, site: site)) }
                await prepare(placed, on: chosen.id, site: site)
                let wiring = try await routerWiring(router, ports: placed)
                guard try await agents.wire(wiring, router: id, host: chosen.id, at: chosen.agentURL) else {
                    await memory.markBare(chosen.id, true)
                    candidates.removeAll { $0.id == chosen.id }
                    continue
                }
                let networks = Set(placed.map(\.networkID))
                await bound(networks: networks, to: chosen.id, site: site)
                for old in before.subtracting([chosen.id]).sorted() { await routerRemoved(id, from: old, networks: networks, site: site) }
                return
            }
        } catch {
            logger.warning("router placement stopped: its host keeps what it was last told", metadata: ["router.id": "\(id)", "error": "\(error)"])
        }
    }

    /// Binds a router's port to `host` (its `binding:host_id`).
    func bind(_ portID: NetworkPort.ID, to host: ComputeHost.ID, site: Site.ID) async throws -> NetworkPort {
        let repo = store.ports(site)
        while true {
            guard let current = try await repo.find(portID) else { throw ControlPlaneError(.notFound, "Port \(portID) could not be found.", kind: "PortNotFound") }
            var port = current.value
            port.hostID = host
            port.revision += 1
            var txn = Transaction()
            repo.stageUpdate(port, from: current, into: &txn)
            do {
                try await store.commit(txn, in: .site(site))
                return port
            } catch let error as StoreError where error.code == .conflict {
                continue
            }
        }
    }

    /// What the router's host must make of it.
    func routerWiring(_ router: NetworkRouter, ports: [NetworkPort]) async throws -> RouterWiring {
        let byID = Dictionary(ports.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func leg(_ portID: NetworkPort.ID) async throws -> (RouterWiring.Leg, Subnet)? {
            guard let port = byID[portID], let fixed = port.fixedIPs.first,
                  let subnet = try await store.networks.subnet(fixed.subnetID)?.value,
                  let network = try await store.networks.network(port.networkID)?.value else { return nil }
            return (RouterWiring.Leg(network: network.id, address: fixed.address.description, prefix: subnet.cidr.prefix,
                                     mtu: network.mtu, mac: port.macAddress), subnet)
        }
        var gateway: (RouterWiring.Leg, Subnet)?
        if let portID = router.gateway?.portID { gateway = try await leg(portID) }
        var interfaces: [RouterWiring.Leg] = []
        for interface in router.interfaces { if let (leg, _) = try await leg(interface.portID) { interfaces.append(leg) } }
        var floating: [String: String] = [:]
        if gateway != nil {
            for fip in try await store.floatingIPs(router.site).all().map(\.value) {
                if let a = fip.association, a.routerID == router.id { floating[fip.address.description] = a.fixedAddress.description }
            }
        }
        return RouterWiring(gateway: gateway?.0, nextHop: gateway?.1.gateway?.description, interfaces: interfaces,
                            snat: router.gateway?.enableSNAT ?? false, floatingIPs: floating)
    }

    /// Every member host of `networks` learns that `host` has ports on them.
    public func bound(networks: Set<Network.ID>, to host: ComputeHost.ID, site: Site.ID) async {
        for network in networks.sorted() {
            let joined = await memory.join(network, host)
            if !joined, await memory.allBare(network) { continue }
            await update(network, site: site)
        }
    }

    /// The routers being placed (a later change asks for one more round), and the live hosts of
    /// each site as last seen by maintenance.
    actor RouterRuns {
        private var running: Set<NetworkRouter.ID> = []
        private var dirty: Set<NetworkRouter.ID> = []
        private var hosts: [Site.ID: Set<ComputeHost.ID>] = [:]

        func begin(_ id: NetworkRouter.ID) -> Bool {
            if running.insert(id).inserted { return true }
            dirty.insert(id)
            return false
        }

        func next(_ id: NetworkRouter.ID) -> Bool {
            if dirty.remove(id) != nil { return true }
            running.remove(id)
            return false
        }

        /// The live hosts last seen at `site` (empty the first time) when they changed since; nil when not.
        func hostsChanged(_ site: Site.ID, _ live: Set<ComputeHost.ID>) -> Set<ComputeHost.ID>? {
            defer { hosts[site] = live }
            return hosts[site] == live ? nil : hosts[site] ?? []
        }
    }
}

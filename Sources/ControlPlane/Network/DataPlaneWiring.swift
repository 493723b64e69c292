public import AgentProtocol
public import CloudModel
import Foundation
public import Logging
public import StateStore

/// Keeps every host's share of a tenant network as the store says it should be (DESIGN §8.1,
/// §8.3): the flood list (exactly the hosts, in any site, with a port bound on the network), the
/// other hosts' ports' MACs, and the firewall of the host's own ports (anti-spoofing and their
/// security groups, remote groups resolved to the members' addresses on the network).
///
/// ARP is answered on each host from the other hosts' ports (`NetworkWiring.neighbours`) while
/// every port of the network has port security, so a guest asking for an address nobody holds
/// (a peer not booted yet) costs the other hosts nothing.
///
/// Every member host of a network learns a new port before its machine starts (`prepare`: a
/// server is ACTIVE only once its NICs are wired, as Nova waits for Neutron's vif-plugged; only
/// the boot host's answer is waited for), and every member host is restated after a change (`bound`, `released`, `portsChanged`, `groupsChanged`): what a
/// host is told is the whole state of the network for it, so repeating it is harmless. Updates of
/// one network are coalesced: while one runs, later ones only ask it to run once more. A site that
/// does not answer stops the update: the hosts keep what they were last told (a cut-off site
/// keeps its data plane). Hosts that answered they have no data plane are skipped for a minute.
///
/// Not yet: the other sites' hosts are told by this controller through their agents (DESIGN has
/// it told to their controllers).
public struct DataPlaneWiring: Sendable {
    let store: Store
    let agents: any AgentClient
    /// The controller's own site (where changes not tied to a site are made from).
    let site: Site.ID
    let logger: Logger
    let memory = Memberships()
    let routerRuns = RouterRuns()

    public init(store: Store, agents: any AgentClient, site: Site.ID, logger: Logger) {
        self.store = store
        self.agents = agents
        self.site = site
        self.logger = logger
    }

    struct Member: Hashable {
        var id: ComputeHost.ID
        var site: Site.ID
        var address: String
        var agentURL: String
        var dataPlane = true
    }

    /// Before `server`'s machine starts on `host`: the host carries each of the server's networks,
    /// with the server's ports in its firewall.
    public func prepare(_ server: Server, on host: ComputeHost.ID) async {
        guard !server.nics.isEmpty, await !memory.isBare(host) else { return }
        guard let ports = try? await store.ports(server.site).find(server.nics.map(\.portID)).map(\.value) else { return }
        await prepare(ports, on: host, site: server.site)
    }

    /// Before `ports` are plugged on `host` (a boot, an interface attach).
    public func prepare(_ ports: [NetworkPort], on host: ComputeHost.ID, site: Site.ID) async {
        guard await !memory.isBare(host) else { return }
        let placed = ports.map { port in var port = port; port.hostID = host; return port }
        for network in Set(placed.map(\.networkID)).sorted() {
            // Every member host learns the new ports before the machine starts (so the first
            // packets find their way); only the boot host's own wiring is waited for.
            await retrying { await !program(network, site: site, extra: placed.filter { $0.networkID == network }, joining: host).contains(host) }
        }
    }

    /// After the commit that bound `server`'s ports to `host`: every member host of its networks
    /// learns the new ports (flood list, MACs, remote-group members).
    public func bound(_ server: Server, to host: ComputeHost.ID) async {
        await bound(networks: Set(server.nics.map(\.networkID)), to: host, site: server.site)
    }

    /// After the commit that released `server`'s ports from `host`: the networks forget them, and
    /// a host left without a port on a network no longer carries it.
    public func released(_ server: Server, from host: ComputeHost.ID) async {
        await released(networks: Set(server.nics.map(\.networkID)), from: host, site: server.site)
    }

    /// After ports of `networks` were unplugged from `host` (deleted or released).
    public func released(networks: Set<Network.ID>, from host: ComputeHost.ID, site: Site.ID) async {
        for network in networks.sorted() {
            let still = (try? await store.ports(site).hostHasPorts(host, on: network)) ?? true
            if !still { await memory.leave(network, host) }
            if still, await memory.allBare(network) { continue }
            await update(network, site: site, leaving: still ? nil : Leaving(host: host, site: site))
        }
    }

    /// After ports of these networks changed what they allow (security groups, port security).
    public func portsChanged(_ networks: Set<Network.ID>, site: Site.ID) async {
        for network in networks.sorted() { await update(network, site: site) }
    }

    /// After a security group of `project` changed its rules: every network the project's ports
    /// can be on (its own and shared ones) is restated.
    public func groupsChanged(project: String) async {
        guard let networks = try? await store.networks.allNetworks() else { return }
        await portsChanged(Set(networks.filter { $0.projectID == project || $0.shared }.map(\.id)), site: site)
    }

    struct Leaving: Hashable, Sendable {
        var host: ComputeHost.ID
        var site: Site.ID
    }

    func update(_ network: Network.ID, site: Site.ID, leaving: Leaving? = nil) async {
        guard await memory.begin(network, leaving: leaving) else { return }
        while let pending = await memory.next(network) {
            await retrying { await program(network, site: site, leaving: pending).isEmpty }
        }
    }

    /// Runs `attempt` again (up to 3 more times, 0.5 s, 1 s, 1.5 s apart) while a host it told
    /// did not take it: a host left behind would keep a stale flood list or firewall until the
    /// network's next change.
    func retrying(_ attempt: () async -> Bool) async {
        for round in 0..<4 {
            if await attempt() { return }
            if round < 3 { try? await Task.sleep(for: .milliseconds(500 * (round + 1))) }
        }
    }

    /// States the network to its member hosts (with `joining`, a host of `site` about to have
    /// `extra` ports placed on it before their binding is committed), and removes it from
    /// `leaving` hosts. Returns the hosts that failed to take it (a store failure stops the
    /// update: nothing is returned, the hosts keep what they have).
    @discardableResult
    func program(_ networkID: Network.ID, site: Site.ID, leaving: Set<Leaving> = [], extra: [NetworkPort] = [],
                 joining: ComputeHost.ID? = nil) async -> Set<ComputeHost.ID> {
        var failed: Set<ComputeHost.ID> = []
        do {
            guard let network = try await store.networks.network(networkID)?.value else { return [] }
            var sites: Set<Site.ID> = [site]
            for subnet in try await store.networks.subnets(of: networkID) {
                sites.formUnion(try await store.networks.blocks(of: subnet.value.id).values.map(\.site))
            }
            var members: [ComputeHost.ID: Member] = [:]
            for participating in sites.sorted() {
                let hosts = store.hosts(participating)
                var ids = try await store.ports(participating).hosts(on: networkID)
                if participating == site, let joining { ids.insert(joining) }
                for id in ids.sorted() {
                    guard let record = try await hosts.find(id)?.value else { continue }
                    members[id] = Member(id: id, site: participating, address: record.hostIP, agentURL: record.agentURL,
                                         dataPlane: record.dataPlane)
                }
            }
            var targets: [Member] = []
            for member in members.values.sorted(by: { $0.id < $1.id }) {
                if member.dataPlane, await !memory.isBare(member.id) { targets.append(member) }
            }
            if !targets.isEmpty {
                let ports = try await self.ports(of: networkID, at: sites, extra: extra)
                let filters = try await PortFilters(ports: ports, store: store)
                let answersARP = Self.answersARP(ports)
                var wirings: [(Member, NetworkWiring)] = []
                for member in targets {
                    let peers = Set(members.values.filter { $0.id != member.id }.map(\.address)).sorted()
                    var macs: [String: String] = [:], neighbours: [String: String] = [:]
                    for port in ports {
                        guard let host = port.hostID, host != member.id, let other = members[host] else { continue }
                        macs[port.macAddress] = other.address
                        for fixed in port.fixedIPs { neighbours["\(fixed.address)"] = port.macAddress }
                    }
                    wirings.append((member, NetworkWiring(vni: network.segmentationID, mtu: network.mtu, peers: peers, macs: macs,
                                                          ports: ports.filter { $0.hostID == member.id }.map(filters.wired),
                                                          uplink: network.external ? true : nil,
                                                          neighbours: answersARP && !network.external ? neighbours : nil)))
                }
                // The hosts are told together: an update takes as long as the slowest host, not
                // the sum of them (a network on 12 hosts is 12 agents' kernel changes).
                failed = await withTaskGroup(of: ComputeHost.ID?.self) { group in
                    for (member, wiring) in wirings {
                        group.addTask {
                            do {
                                let wired = try await agents.wire(wiring, network: networkID, host: member.id, at: member.agentURL)
                                await memory.markBare(member.id, !wired)
                                return nil
                            } catch {
                                logger.warning("network wiring failed", metadata: ["network.id": "\(networkID)", "host": "\(member.id)", "error": "\(error)"])
                                return member.id
                            }
                        }
                    }
                    var failed: Set<ComputeHost.ID> = []
                    for await host in group { if let host { failed.insert(host) } }
                    return failed
                }
            } else if joining == nil {
                await memory.markAllBare(networkID)
            }
            for gone in leaving.sorted(by: { $0.host < $1.host }) where members[gone.host] == nil {
                guard await !memory.isBare(gone.host), let record = try await store.hosts(gone.site).find(gone.host)?.value else { continue }
                try await agents.unwire(network: networkID, host: gone.host, at: record.agentURL)
            }
        } catch {
            logger.warning("network rewire stopped: hosts keep their last wiring", metadata: ["network.id": "\(networkID)", "error": "\(error)"])
        }
        return failed
    }

    /// Whether the hosts answer the network's ARP themselves (no ARP request crosses to another
    /// host): only when no guest may answer for an address its port does not hold, that is when
    /// every bound port has port security on (anti-spoofing drops any other ARP reply) or is a
    /// router's leg (it answers for its own address only).
    static func answersARP(_ ports: [NetworkPort]) -> Bool {
        ports.allSatisfy { $0.hostID == nil || $0.portSecurityEnabled || $0.deviceOwner.hasPrefix("network:router") }
    }

    /// Every port of the network at `sites`, with `extra` in place of their stored versions.
    func ports(of network: Network.ID, at sites: Set<Site.ID>, extra: [NetworkPort]) async throws -> [NetworkPort] {
        var byID: [NetworkPort.ID: NetworkPort] = [:]
        for site in sites.sorted() {
            let repo = store.ports(site)
            for port in try await repo.find(try await repo.portIDs(on: network)) { byID[port.value.id] = port.value }
        }
        for port in extra { byID[port.id] = port }
        return byID.values.sorted { $0.id < $1.id }
    }
}

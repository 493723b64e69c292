public import AgentProtocol
public import CloudModel
import Foundation
public import Logging
public import StateStore

/// Keeps each host's share of a tenant network told which other hosts carry it (DESIGN §8.1):
/// the flood list of a network on a host is exactly the hosts, in any site, with a port bound on
/// it. Membership changes per (network, host), never per port: a rewire runs when a host gets its
/// first port on a network or loses its last, reads the members (`idx/net-host-ports` at each
/// participating site: the sites leasing the network's address blocks), and states the whole
/// wiring to every member host's agent (idempotent). A site that does not answer stops the
/// rewire: the hosts keep what they were last told (a cut-off site keeps its data plane).
///
/// Not yet: the other sites' hosts are told by this controller through their agents (DESIGN
/// has it told to their controllers); a host is wired after, not before, its server goes ACTIVE.
public struct DataPlaneWiring: Sendable {
    let store: Store
    let agents: any AgentClient
    let logger: Logger
    let memory = Memberships()

    public init(store: Store, agents: any AgentClient, logger: Logger) {
        self.store = store
        self.agents = agents
        self.logger = logger
    }

    /// What this controller has seen: the (network, host) pairs it knows are wired, and the
    /// hosts that answered they have no data plane (asked again after a minute).
    actor Memberships {
        private var joined: Set<String> = []
        private var bare: [String: ContinuousClock.Instant] = [:]

        func join(_ network: Network.ID, _ host: String) -> Bool { joined.insert("\(network)|\(host)").inserted }
        func leave(_ network: Network.ID, _ host: String) { joined.remove("\(network)|\(host)") }
        func isBare(_ host: String) -> Bool { bare[host].map { ContinuousClock.now - $0 < .seconds(60) } ?? false }
        func markBare(_ host: String, _ value: Bool) { bare[host] = value ? ContinuousClock.now : nil }
    }

    /// After the commit that bound `server`'s ports to `host`: rewires the networks the host joined.
    public func bound(_ server: Server, to host: ComputeHost.ID) async {
        for network in Set(server.nics.map(\.networkID)) where await memory.join(network, host) {
            await rewire(network, site: server.site)
        }
    }

    /// After the commit that released `server`'s ports from `host`: rewires the networks the host
    /// no longer has a port on (and removes them from it).
    public func released(_ server: Server, from host: ComputeHost.ID) async {
        for network in Set(server.nics.map(\.networkID)) {
            guard let still = try? await store.ports(server.site).hostHasPorts(host, on: network), !still else { continue }
            await memory.leave(network, host)
            await rewire(network, site: server.site, leaving: host)
        }
    }

    struct Member: Hashable {
        var id: ComputeHost.ID
        var address: String
        var agentURL: String
    }

    func rewire(_ networkID: Network.ID, site: Site.ID, leaving: ComputeHost.ID? = nil) async {
        do {
            guard let network = try await store.networks.network(networkID)?.value else { return }
            let vni = network.segmentationID
            var sites: Set<Site.ID> = [site]
            for subnet in try await store.networks.subnets(of: networkID) {
                sites.formUnion(try await store.networks.blocks(of: subnet.value.id).values.map(\.site))
            }
            var members: [Member] = []
            for participating in sites.sorted() {
                let hosts = store.hosts(participating)
                for id in try await store.ports(participating).hosts(on: networkID).sorted() {
                    guard let record = try await hosts.find(id)?.value else { continue }
                    members.append(Member(id: record.id, address: record.hostIP, agentURL: record.agentURL))
                }
            }
            for member in members where await !memory.isBare(member.id) {
                let peers = Set(members.filter { $0.id != member.id }.map(\.address)).sorted()
                let wiring = NetworkWiring(vni: vni, mtu: network.mtu, peers: peers)
                do {
                    let wired = try await agents.wire(wiring, network: networkID, host: member.id, at: member.agentURL)
                    await memory.markBare(member.id, !wired)
                } catch {
                    logger.warning("network wiring failed", metadata: ["network.id": "\(networkID)", "host": "\(member.id)", "error": "\(error)"])
                }
            }
            if let leaving, !members.contains(where: { $0.id == leaving }), let record = try await store.hosts(site).find(leaving)?.value,
               await !memory.isBare(leaving) {
                try await agents.unwire(network: networkID, host: leaving, at: record.agentURL)
            }
        } catch {
            logger.warning("network rewire stopped: hosts keep their last wiring", metadata: ["network.id": "\(networkID)", "error": "\(error)"])
        }
    }
}

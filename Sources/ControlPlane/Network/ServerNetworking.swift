import AgentProtocol
public import CloudModel
public import Foundation
import LUCBase
public import StateStore

/// Gives a boot its NICs: resolves the `networks` asked (networks, existing ports, fixed IPs)
/// and the security groups before the boot's transaction, then stages each server's ports into
/// that same transaction at the server's site (so a boot's ports and servers commit or fail
/// together, with no global write unless an address block is leased), and releases them when the
/// server goes.
public struct ServerNetworking: Sendable {
    let store: Store
    let networks: NetworkService
    let ports: PortService
    let groups: SecurityGroupService
    /// Networks and subnets as spawns need them, read at most once a second per network.
    let networkFacts = NetworkFacts()

    public init(store: Store, networks: NetworkService, ports: PortService, groups: SecurityGroupService) {
        self.store = store
        self.networks = networks
        self.ports = ports
        self.groups = groups
    }

    /// One NIC of the plan: a new port on a network, or a port the user made.
    enum Item: Sendable {
        /// A new port on a network; its subnets (oldest first) are read once per boot.
        case new(Network, subnets: [Subnet], fixedIP: IPv4Address?, tag: String?)
        case existing(Versioned<NetworkPort>, Network, tag: String?)
    }

    /// What every server of a boot gets.
    struct Plan: Sendable {
        var items: [Item]
        var groupIDs: [SecurityGroup.ID]
        var groupNames: [String]
        /// The site the user's ports live at, which the servers must boot in.
        var portSite: Site.ID?
        var isEmpty: Bool { items.isEmpty }
    }

    func plan(_ choice: CreateServerCommand.NetworkChoice, securityGroups named: [String]?, count: Int, by p: Principal) async throws -> Plan {
        guard let project = p.projectID else { throw ControlPlaneError.unauthorized("A project-scoped token is required.") }
        var items: [Item] = []
        switch choice {
        case .none:
            break
        case .unspecified, .auto:
            let candidates = try await networks.networks(by: p).filter { !$0.external && ($0.projectID == project || $0.shared) }
            if candidates.count > 1 {
                throw ControlPlaneError.conflict("Multiple possible networks found, use a Network ID to be more specific.")
            }
            if let only = candidates.first { items = [.new(only, subnets: try await subnets(of: only), fixedIP: nil, tag: nil)] }
        case let .list(requests):
            for request in requests {
                if let portID = request.portID {
                    guard count == 1 else { throw ControlPlaneError.badRequest("Unable to launch multiple instances with a single configured port ID.") }
                    let port = try await portForBoot(portID, by: p)
                    guard let network = try await store.networks.network(port.value.networkID)?.value else {
                        throw ControlPlaneError.badRequest("Network \(port.value.networkID) of port \(portID) could not be found.")
                    }
                    items.append(.existing(port, network, tag: request.tag))
                } else if let networkID = request.networkID {
                    let network: Network
                    do { network = try await networks.ownedOrSharedNetwork(networkID, by: p).value } catch {
                        throw ControlPlaneError.badRequest("Network \(networkID) could not be found.")
                    }
                    if network.external && !p.isAdmin {
                        throw ControlPlaneError.forbidden("It is not allowed to create an interface on external network \(networkID)")
                    }
                    let fixed = try request.fixedIP.map { text -> IPv4Address in
                        guard let address = IPv4Address(text) else {
                            throw ControlPlaneError.badRequest("Invalid fixed IP address (\(text))")
                        }
                        return address
                    }
                    if fixed != nil && count > 1 {
                        throw ControlPlaneError.badRequest("Unable to launch multiple instances with a single configured fixed IP.")
                    }
                    items.append(.new(network, subnets: try await subnets(of: network), fixedIP: fixed, tag: request.tag))
                }
            }
        }
        var ids: [SecurityGroup.ID] = [], names: [String] = []
        if !items.isEmpty, named == nil || named == ["default"] {
            // The common case reads one group, not every group of the cloud.
            let group = try await groups.defaultGroup(of: project)
            ids = [group.id]
            names = [group.name]
        } else if !items.isEmpty, let named {
            let visible = try await groups.groups(by: p)
            for wanted in named {
                guard let group = visible.first(where: { $0.id == wanted }) ?? visible.first(where: { $0.name == wanted && $0.projectID == project }) else {
                    throw ControlPlaneError.badRequest("Security group \(wanted) not found for project \(project).")
                }
                ids.append(group.id)
                names.append(group.name)
            }
        }
        let portSites = Set(items.compactMap { item -> Site.ID? in if case let .existing(port, _, _) = item { port.value.site } else { nil } })
        guard portSites.count <= 1 else { throw ControlPlaneError.badRequest("The ports asked for are in different availability zones.") }
        return Plan(items: items, groupIDs: ids, groupNames: names, portSite: portSites.first)
    }

    /// Nova's port quota check before a boot: the ports the plan makes for `servers` servers must
    /// fit the project's `port` quota (403 otherwise). Counting reads every site's ports (as a
    /// Neutron port create does here); an unlimited quota reads nothing.
    func checkPortQuota(_ plan: Plan, servers: Int, project: String) async throws {
        let made = plan.items.filter { if case .new = $0 { true } else { false } }.count * servers
        guard made > 0 else { return }
        do {
            try await networks.quotas.check("port", project: project, adding: made)
        } catch let error as ControlPlaneError where error.code == .overLimit {
            throw ControlPlaneError.forbidden("Maximum number of ports exceeded: \(made) more would exceed the project's port quota.")
        }
    }

    func subnets(of network: Network) async throws -> [Subnet] {
        try await store.networks.subnets(of: network.id).map(\.value).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func portForBoot(_ id: String, by p: Principal) async throws -> Versioned<NetworkPort> {
        let port: Versioned<NetworkPort>
        do { port = try await ports.get(id, by: p) } catch {
            throw ControlPlaneError.badRequest("Port \(id) could not be found.")
        }
        guard port.value.deviceID.isEmpty else {
            throw ControlPlaneError.conflict("Port \(id) is still in use.")
        }
        return port
    }

    /// Stages the ports of `server` at `site` into `txn` and returns its NICs; `taken` holds
    /// the addresses already chosen in this transaction.
    func stage(_ plan: Plan, for server: Server, site: Site, taken: inout Set<IPv4Address>, into txn: inout Transaction,
               now: Date) async throws -> [ServerNIC] {
        let allocator = AddressAllocator(store: store, site: site, picks: networks.addressPicks)
        var nics: [ServerNIC] = []
        for item in plan.items {
            switch item {
            case let .new(network, subnets, fixedIP, tag):
                var fixed: [NetworkPort.FixedIP] = []
                if let fixedIP {
                    guard let subnet = subnets.first(where: { $0.cidr.contains(fixedIP) }) else {
                        throw ControlPlaneError.badRequest("Fixed IP \(fixedIP) is not in a subnet of network \(network.id).")
                    }
                    fixed = [NetworkPort.FixedIP(subnetID: subnet.id, address: try await allocator.pick(in: subnet, wanted: fixedIP, taken: taken))]
                } else if let subnet = subnets.first {
                    fixed = [NetworkPort.FixedIP(subnetID: subnet.id, address: try await allocator.pick(in: subnet, wanted: nil, taken: taken))]
                }
                taken.formUnion(fixed.map(\.address))
                var port = NetworkPort(id: ResourceID.make(siteIndex: site.index), name: "", projectID: server.projectID, networkID: network.id,
                                       site: site.id, macAddress: NetworkPort.randomMAC(), fixedIPs: fixed, deviceID: server.id,
                                       deviceOwner: "compute:\(site.id)",
                                       securityGroupIDs: network.portSecurityEnabled ? plan.groupIDs : [],
                                       portSecurityEnabled: network.portSecurityEnabled, createdAt: now)
                port.revision = 1
                store.ports(site.id).stageCreate(port, into: &txn)
                var nic = ServerNIC(portID: port.id, networkID: network.id, networkName: network.name, macAddress: port.macAddress,
                                    addresses: fixed.map(\.address), madeForServer: true)
                nic.tag = tag
                nics.append(nic)
            case let .existing(current, network, tag):
                var port = current.value
                port.deviceID = server.id
                port.deviceOwner = "compute:\(site.id)"
                port.updatedAt = now
                port.revision += 1
                store.ports(site.id).stageUpdate(port, from: current, into: &txn)
                var nic = ServerNIC(portID: port.id, networkID: network.id, networkName: network.name, macAddress: port.macAddress,
                                    addresses: port.fixedIPs.map(\.address), madeForServer: false)
                nic.tag = tag
                nics.append(nic)
            }
        }
        return nics
    }

    /// The NICs the driver makes (at spawn or hot-plug), in the server's order: each port's MAC,
    /// its first address with its subnet's prefix and gateway, and its network's MTU and
    /// segmentation ID (from the site's replica of `global`, through `NetworkFacts`).
    func spawnNICs(_ serverNICs: [ServerNIC]) async throws -> [SpawnRequest.NIC] {
        var nics: [SpawnRequest.NIC] = []
        for nic in serverNICs {
            let facts = try await networkFacts.facts(nic.networkID, store: store)
            let network = facts.network
            var spawned = SpawnRequest.NIC(portID: nic.portID, networkID: nic.networkID, mac: nic.macAddress)
            spawned.mtu = network?.mtu
            spawned.segmentationID = network?.segmentationID
            if let address = nic.addresses.first,
               let subnet = facts.subnets.first(where: { $0.cidr.contains(address) }) {
                spawned.address = "\(address)/\(subnet.cidr.prefix)"
                spawned.gateway = subnet.gateway?.description
                spawned.dnsServers = subnet.dnsNameservers.isEmpty ? nil : subnet.dnsNameservers
            }
            nics.append(spawned)
        }
        return nics
    }

    /// Stages the binding of the server's ports to the host it runs on (Neutron's
    /// `binding:host_id`; a bound port that is up is `ACTIVE`).
    public func stageBinding(of server: Server, to host: String, into txn: inout Transaction, now: Date) async throws {
        let repo = store.ports(server.site)
        // The server's record names its ports: one read of them, no scan of the device index.
        for current in try await repo.find(server.nics.map(\.portID)) where current.value.hostID != host && current.value.deviceID == server.id {
            var port = current.value
            port.hostID = host
            port.updatedAt = now
            port.revision += 1
            repo.stageUpdate(port, from: current, into: &txn)
        }
    }

    /// Stages, for a server being deleted, the deletion of the ports made for it and the release
    /// of the user's ports.
    public func stageRelease(of server: Server, into txn: inout Transaction, now: Date) async throws {
        let repo = store.ports(server.site)
        for current in try await repo.ports(ofDevice: server.id) {
            if server.nics.first(where: { $0.portID == current.value.id })?.madeForServer ?? true {
                repo.stageDelete(current, into: &txn)
            } else {
                repo.stageUpdate(current.value.released(at: now), from: current, into: &txn)
            }
        }
    }
}

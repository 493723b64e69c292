public import CloudModel
import Foundation
import LUCBase
public import StateStore

/// Neutron's ports. A port lives at one site (its ID names it): the site of its device, or the
/// receiving controller's; its addresses come from the blocks that site holds
/// (`AddressAllocator`), so making one writes only that site's keyspace (and `global` once per
/// block lease).
public struct PortService: Sendable {
    let store: Store
    let sites: SiteDirectory
    let configuration: ControllerConfiguration
    let networks: NetworkService
    let groups: SecurityGroupService
    /// Keeps the hosts' data plane following the ports.
    let wiring: DataPlaneWiring
    let clock: any WallClock

    public init(store: Store, sites: SiteDirectory, configuration: ControllerConfiguration, networks: NetworkService,
                groups: SecurityGroupService, wiring: DataPlaneWiring, clock: any WallClock) {
        self.wiring = wiring
        self.store = store
        self.sites = sites
        self.configuration = configuration
        self.networks = networks
        self.groups = groups
        self.clock = clock
    }

    /// Fields of a port create or update; nil: default or unchanged.
    public struct PortFields: Sendable {
        public var name: String?
        public var description: String?
        public var networkID: String?
        /// Each wanted address: a subnet, an address, or both.
        public var fixedIPs: [(subnetID: String?, address: String?)]?
        public var macAddress: String?
        public var securityGroups: [String]?
        public var deviceID: String?
        public var deviceOwner: String?
        public var portSecurityEnabled: Bool?
        public var adminStateUp: Bool?
        /// `binding:host_id` (admins): `.some(nil)` unbinds.
        public var hostID: String??
        public var projectID: String?
        public init() {}
    }

    static func invalid(_ message: String, _ kind: String = "InvalidInput") -> ControlPlaneError {
        ControlPlaneError(.badRequest, message, kind: kind)
    }

    /// Makes a port at `site` (the controller's own by default).
    public func create(_ f: PortFields, at siteID: Site.ID? = nil, by p: Principal) async throws -> NetworkPort {
        let project = try networks.requireProject(p)
        try networks.requireWrite(p)
        guard let networkID = f.networkID else { throw Self.invalid("Invalid input for operation: network_id is required.") }
        guard let site = await sites.site(siteID ?? configuration.site) else {
            throw ControlPlaneError.badRequest("Availability zone \(siteID ?? "") could not be found.")
        }
        if f.projectID.map({ $0 != project }) == true && !p.isAdmin {
            throw ControlPlaneError(.forbidden, "Only administrators may create ports of other projects.", kind: "PolicyNotAuthorized")
        }
        if f.hostID != nil && !p.isAdmin {
            throw ControlPlaneError(.forbidden, "Only administrators may set binding:host_id.", kind: "PolicyNotAuthorized")
        }
        let network = try await networks.ownedOrSharedNetwork(networkID, by: p).value
        if network.external && !p.isAdmin {
            throw ControlPlaneError(.forbidden, "Ports on external network \(networkID) are made by the cloud (routers, floating IPs).",
                                    kind: "PolicyNotAuthorized")
        }
        let owner = f.projectID ?? project
        let portSecurity = f.portSecurityEnabled ?? network.portSecurityEnabled
        let securityGroups = try await resolveGroups(f.securityGroups, portSecurity: portSecurity, project: owner, by: p)
        let mac = try f.macAddress.map(Self.validMAC) ?? NetworkPort.randomMAC()
        try await networks.quotas.check("port", project: owner)
        return try await retryOnConflict {
            let fixed = try await allocate(f.fixedIPs, on: network, site: site)
            var port = NetworkPort(id: ResourceID.make(siteIndex: site.index), name: f.name ?? "", description: f.description ?? "",
                                   projectID: owner, networkID: networkID, site: site.id, macAddress: mac, fixedIPs: fixed,
                                   deviceID: f.deviceID ?? "", deviceOwner: f.deviceOwner ?? "", securityGroupIDs: securityGroups,
                                   portSecurityEnabled: portSecurity, adminStateUp: f.adminStateUp ?? true, createdAt: clock.now())
            port.hostID = f.hostID ?? nil
            port.revision = 1
            var txn = Transaction()
            store.ports(site.id).stageCreate(port, into: &txn)
            try await store.commit(txn, in: .site(site.id))
            return port
        }
    }

    /// Makes a port the cloud owns for one of its devices (a router's leg) at `site`: no quota,
    /// no security group, no policy check. Its addresses are `exact` (taken as they are: a
    /// subnet's gateway) or allocated as a user's would be from `wanted`.
    func createDevicePort(on network: Network, at site: Site, id: NetworkPort.ID? = nil, exact: [NetworkPort.FixedIP]? = nil,
                          wanted: [(subnetID: String?, address: String?)]? = nil, deviceID: String, deviceOwner: String,
                          projectID: String) async throws -> NetworkPort {
        try await retryOnConflict {
            let fixed: [NetworkPort.FixedIP]
            if let exact { fixed = exact } else { fixed = try await allocate(wanted, on: network, site: site) }
            var port = NetworkPort(id: id ?? ResourceID.make(siteIndex: site.index), name: "", projectID: projectID, networkID: network.id,
                                   site: site.id, macAddress: NetworkPort.randomMAC(), fixedIPs: fixed, deviceID: deviceID,
                                   deviceOwner: deviceOwner, securityGroupIDs: [], portSecurityEnabled: false, createdAt: clock.now())
            port.revision = 1
            var txn = Transaction()
            store.ports(site.id).stageCreate(port, into: &txn)
            do {
                try await store.commit(txn, in: .site(site.id))
            } catch let error as StoreError where error.code == .conflict && exact != nil {
                if try await store.ports(site.id).find(port.id) != nil { return port }
                let taken = try await store.ports(site.id).taken(fixed.map(\.address), in: fixed.first?.subnetID ?? "")
                if !taken.isEmpty {
                    throw ControlPlaneError(.conflict, "IP address \(taken.sorted().map(\.description).joined(separator: ", ")) already allocated in subnet \(fixed.first?.subnetID ?? "").",
                                            kind: "IpAddressAlreadyAllocated")
                }
                throw error
            }
            return port
        }
    }

    /// Deletes a port the cloud made for a device; nothing when it is gone already. The host it
    /// was bound to leaves its network if nothing else of it is there.
    func deleteDevicePort(_ id: NetworkPort.ID) async throws {
        guard let site = await sites.home(of: id) else { return }
        let gone = try await retryOnConflict { () -> NetworkPort? in
            guard let current = try await store.ports(site.id).find(id) else { return nil }
            var txn = Transaction()
            store.ports(site.id).stageDelete(current, into: &txn)
            try await store.commit(txn, in: .site(site.id))
            return current.value
        }
        if let gone, let host = gone.hostID { await wiring.released(networks: [gone.networkID], from: host, site: gone.site) }
    }

    static func validMAC(_ text: String) throws -> String {
        let parts = text.lowercased().split(separator: ":")
        guard parts.count == 6, parts.allSatisfy({ $0.count == 2 && UInt8($0, radix: 16) != nil }),
              let first = UInt8(parts[0], radix: 16), first & 1 == 0
        else { throw invalid("Invalid input for mac_address. Reason: '\(text)' is not a valid unicast MAC address.") }
        return parts.joined(separator: ":")
    }

    /// The groups of a port: those named (visible to `p`), or the project's `default`; none
    /// (and naming some is 400) without port security.
    func resolveGroups(_ named: [String]?, portSecurity: Bool, project: String, by p: Principal) async throws -> [SecurityGroup.ID] {
        guard portSecurity else {
            if let named, !named.isEmpty {
                throw ControlPlaneError(.conflict, "Port has security group associated. Cannot disable port security or IP address until security group is removed.",
                                        kind: "PortSecurityAndIPRequiredForSecurityGroups")
            }
            return []
        }
        guard let named else { return [try await groups.defaultGroup(of: project).id] }
        var ids: [SecurityGroup.ID] = []
        for id in named { ids.append(try await groups.group(id, by: p).value.id) }
        return ids
    }

    /// The port's addresses: those asked (by subnet and/or address), or one from the network's
    /// first subnet; none when the network has no subnet.
    func allocate(_ wanted: [(subnetID: String?, address: String?)]?, on network: Network, site: Site) async throws -> [NetworkPort.FixedIP] {
        let subnets = try await store.networks.subnets(of: network.id).map(\.value).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        let allocator = AddressAllocator(store: store, site: site, picks: networks.addressPicks)
        guard let wanted else {
            guard let first = subnets.first else { return [] }
            return [NetworkPort.FixedIP(subnetID: first.id, address: try await allocator.pick(in: first, wanted: nil))]
        }
        var result: [NetworkPort.FixedIP] = []
        for request in wanted {
            let address = try request.address.map { text -> IPv4Address in
                guard let a = IPv4Address(text) else { throw Self.invalid("Invalid input for fixed_ips: '\(text)' is not a valid IPv4 address.") }
                return a
            }
            let subnet: Subnet
            if let id = request.subnetID {
                guard let found = subnets.first(where: { $0.id == id }) else {
                    throw Self.invalid("Invalid input for fixed_ips: subnet \(id) is not on network \(network.id).", "InvalidInput")
                }
                subnet = found
            } else if let address, let found = subnets.first(where: { $0.cidr.contains(address) }) {
                subnet = found
            } else {
                throw Self.invalid("Invalid input for fixed_ips: no subnet of network \(network.id) holds \(request.address ?? "the address").")
            }
            if let address, !subnet.cidr.contains(address) {
                throw Self.invalid("IP address \(address) is not a valid IP for the specified subnet.", "InvalidIpForSubnet")
            }
            let picked = try await allocator.pick(in: subnet, wanted: address, taken: Set(result.map(\.address)))
            result.append(NetworkPort.FixedIP(subnetID: subnet.id, address: picked))
        }
        return result
    }

    /// Ports `p` may see at every site that answers in time (its project's, or all for admins).
    public func list(by p: Principal) async throws -> [NetworkPort] {
        let project = try networks.requireProject(p)
        let gathered = await scatter(await sites.all(), deadline: configuration.siteTimeout) { site in
            try await store.ports(site.id).all()
        }
        return gathered.parts.values.flatMap { $0 }.filter { p.isAdmin || $0.projectID == project }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func get(_ id: String, by p: Principal) async throws -> Versioned<NetworkPort> {
        let notFound = ControlPlaneError(.notFound, "Port \(id) could not be found.", kind: "PortNotFound")
        guard let normalized = ResourceID.normalized(id), let site = await sites.home(of: normalized),
              let port = try await store.ports(site.id).find(normalized), p.isAdmin || port.value.projectID == p.projectID
        else { throw notFound }
        return port
    }

    public func update(_ id: String, _ f: PortFields, by p: Principal) async throws -> NetworkPort {
        try networks.requireWrite(p)
        if f.networkID != nil { throw Self.invalid("Cannot update read-only attribute network_id") }
        if f.hostID != nil && !p.isAdmin {
            throw ControlPlaneError(.forbidden, "Only administrators may set binding:host_id.", kind: "PolicyNotAuthorized")
        }
        let mac = try f.macAddress.map(Self.validMAC)
        let (old, updated) = try await retryOnConflict { () -> (NetworkPort, NetworkPort) in
            let current = try await get(id, by: p)
            var port = current.value
            if let v = f.name { port.name = v }
            if let v = f.description { port.description = v }
            if let v = f.adminStateUp { port.adminStateUp = v }
            if let v = f.deviceID { port.deviceID = v }
            if let v = f.deviceOwner { port.deviceOwner = v }
            if let v = f.hostID { port.hostID = v }
            if let mac {
                guard port.hostID == nil else { throw ControlPlaneError(.conflict, "Port \(id) is bound: its MAC cannot change.", kind: "PortBound") }
                port.macAddress = mac
            }
            if let v = f.portSecurityEnabled { port.portSecurityEnabled = v }
            if f.securityGroups != nil || f.portSecurityEnabled != nil {
                let named = f.securityGroups ?? (port.portSecurityEnabled ? port.securityGroupIDs : [])
                port.securityGroupIDs = try await resolveGroups(named, portSecurity: port.portSecurityEnabled, project: port.projectID, by: p)
            }
            if let wanted = f.fixedIPs {
                guard let network = try await store.networks.network(port.networkID)?.value, let site = await sites.site(port.site) else {
                    throw ControlPlaneError(.notFound, "Network \(port.networkID) could not be found.", kind: "NetworkNotFound")
                }
                // Addresses kept stay; new ones are picked among those the port does not hold yet.
                var kept: [NetworkPort.FixedIP] = []
                var asked: [(subnetID: String?, address: String?)] = []
                for request in wanted {
                    if let text = request.address, let a = IPv4Address(text),
                       let held = port.fixedIPs.first(where: { $0.address == a && (request.subnetID == nil || request.subnetID == $0.subnetID) }) {
                        kept.append(held)
                    } else {
                        asked.append(request)
                    }
                }
                let fresh = asked.isEmpty ? [] : try await allocate(asked, on: network, site: site)
                port.fixedIPs = kept + fresh
            }
            port.updatedAt = clock.now()
            port.revision += 1
            var txn = Transaction()
            store.ports(port.site).stageUpdate(port, from: current, into: &txn)
            try await store.commit(txn, in: .site(port.site))
            return (current.value, port)
        }
        // The hosts follow what they enforce (the port's filter, its addresses, its MAC); a rename changes nothing there.
        if let host = old.hostID, host != updated.hostID {
            await wiring.released(networks: [old.networkID], from: host, site: old.site)
        }
        let enforced = old.securityGroupIDs != updated.securityGroupIDs || old.portSecurityEnabled != updated.portSecurityEnabled
            || old.fixedIPs != updated.fixedIPs || old.macAddress != updated.macAddress || old.hostID != updated.hostID
        if updated.hostID != nil, enforced { await wiring.portsChanged([updated.networkID], site: updated.site) }
        return updated
    }

    public func delete(_ id: String, by p: Principal) async throws {
        try networks.requireWrite(p)
        let port = try await retryOnConflict {
            let current = try await get(id, by: p)
            if current.value.deviceOwner.hasPrefix("network:") {
                throw ControlPlaneError(.conflict, "Port \(id) cannot be deleted directly via the port API: it has device owner \(current.value.deviceOwner).",
                                        kind: "ServicePortInUse")
            }
            var txn = Transaction()
            store.ports(current.value.site).stageDelete(current, into: &txn)
            try await store.commit(txn, in: .site(current.value.site))
            return current.value
        }
        if let host = port.hostID { await wiring.released(networks: [port.networkID], from: host, site: port.site) }
        try await releaseFloatingIPs(of: [port.id])
    }

    /// Disassociates the floating IPs of deleted ports (as Neutron does when a port goes). They
    /// live at the uplink sites of external networks: only those sites are read.
    public func releaseFloatingIPs(of portIDs: Set<NetworkPort.ID>) async throws {
        let uplinks = Set(try await store.networks.allNetworks().compactMap(\.uplinkSite))
        var routers: Set<NetworkRouter.ID> = []
        for site in uplinks {
            let repo = store.floatingIPs(site)
            for current in try await repo.all() where current.value.association.map({ portIDs.contains($0.portID) }) == true {
                if let router = current.value.association?.routerID { routers.insert(router) }
                try await retryOnConflict {
                    guard let fresh = try await repo.find(current.value.id), fresh.value.association.map({ portIDs.contains($0.portID) }) == true
                    else { return }
                    var fip = fresh.value
                    fip.association = nil
                    fip.updatedAt = clock.now()
                    fip.revision += 1
                    var txn = Transaction()
                    repo.stageUpdate(fip, from: fresh, into: &txn)
                    try await store.commit(txn, in: .site(site))
                }
            }
        }
        for router in routers.sorted() { await wiring.routerChanged(router) }
    }
}

public import CloudModel
import Foundation
public import StateStore

extension NetworkService {
    /// Fields of a subnet create or update, as text (validated here); nil: default or unchanged.
    public struct SubnetFields: Sendable {
        public var name: String?
        public var description: String?
        public var networkID: String?
        public var cidr: String?
        public var ipVersion: Int?
        /// `.some(nil)`: no gateway.
        public var gatewayIP: String??
        public var allocationPools: [(start: String, end: String)]?
        public var dnsNameservers: [String]?
        public var hostRoutes: [(destination: String, nexthop: String)]?
        public var enableDHCP: Bool?
        public var projectID: String?
        public init() {}
    }

    static func invalid(_ message: String) -> ControlPlaneError { ControlPlaneError(.badRequest, message, kind: "InvalidInput") }

    public func createSubnet(_ f: SubnetFields, by p: Principal) async throws -> Subnet {
        let project = try requireProject(p)
        try requireWrite(p)
        guard let networkID = f.networkID else { throw Self.invalid("Invalid input for operation: network_id is required.") }
        guard f.ipVersion ?? 4 == 4 else { throw Self.invalid("Invalid input for ip_version: only IPv4 subnets are served by this cloud.") }
        guard let text = f.cidr else { throw Self.invalid("Invalid input for operation: cidr is required (subnet pools are not served).") }
        guard let cidr = IPv4CIDR(text) else { throw Self.invalid("Invalid input for cidr. Reason: '\(text)' is not a valid IPv4 CIDR.") }
        guard cidr.prefix <= 30 else { throw Self.invalid("Invalid input for cidr: a /\(cidr.prefix) has no room for hosts.") }
        try validateName(f.name ?? "")
        if f.projectID.map({ $0 != project }) == true && !p.isAdmin {
            throw ControlPlaneError(.forbidden, "Only administrators may create subnets of other projects.", kind: "PolicyNotAuthorized")
        }
        let gateway: IPv4Address?
        switch f.gatewayIP {
        case nil: gateway = cidr.hosts.lowerBound
        case .some(nil): gateway = nil
        case let .some(.some(value)):
            guard let address = IPv4Address(value) else { throw Self.invalid("Invalid input for gateway_ip: '\(value)' is not a valid IP address.") }
            guard cidr.contains(address), address != cidr.network, address != cidr.broadcast else {
                throw Self.invalid("Gateway IP \(value) is not a host address of subnet \(cidr).")
            }
            gateway = address
        }
        let pools = try f.allocationPools.map { try validatePools($0, cidr: cidr, gateway: gateway) }
            ?? Subnet.defaultPools(cidr, gateway: gateway)
        let dns = try (f.dnsNameservers ?? []).map { text -> String in
            guard IPv4Address(text) != nil else { throw Self.invalid("Invalid input for dns_nameservers: '\(text)' is not a valid IPv4 address.") }
            return text
        }
        let routes = try (f.hostRoutes ?? []).map { route -> Subnet.Route in
            guard let destination = IPv4CIDR(route.destination), let nexthop = IPv4Address(route.nexthop) else {
                throw Self.invalid("Invalid input for host_routes: destination must be an IPv4 CIDR and nexthop an IPv4 address.")
            }
            return Subnet.Route(destination: destination, nexthop: nexthop)
        }
        try await quotas.check("subnet", project: f.projectID ?? project)
        return try await retryOnConflict {
            let network = try await ownedOrSharedNetwork(networkID, by: p)
            let siblings = try await store.networks.subnets(of: network.value.id)
            if let other = siblings.first(where: { $0.value.cidr.overlaps(cidr) }) {
                throw Self.invalid("Invalid input for operation: Requested subnet with cidr: \(cidr) for network: \(networkID) overlaps with another subnet (\(other.value.id)).")
            }
            var subnet = Subnet(id: Self.newID(), name: f.name ?? "", description: f.description ?? "",
                                projectID: f.projectID ?? project, networkID: networkID, cidr: cidr, gateway: gateway, pools: pools,
                                dnsNameservers: dns, hostRoutes: routes, enableDHCP: f.enableDHCP ?? true, createdAt: clock.now())
            subnet.revision = 1
            var txn = Transaction()
            store.networks.stageCreate(subnet, checkedAgainst: siblings, into: &txn)
            // The network's record is required unchanged too: a concurrent delete of it fails this create.
            store.networks.stageRequireUnchanged(network, into: &txn)
            try await store.commit(txn, in: .global)
            return subnet
        }
    }

    /// Pools inside the CIDR's host addresses, in order, not overlapping and not holding the gateway.
    func validatePools(_ raw: [(start: String, end: String)], cidr: IPv4CIDR, gateway: IPv4Address?) throws -> [Subnet.Pool] {
        var pools: [Subnet.Pool] = []
        for (startText, endText) in raw {
            guard let start = IPv4Address(startText), let end = IPv4Address(endText), start <= end else {
                throw Self.invalid("Invalid input for allocation_pools: \(startText)-\(endText) is not a range of IPv4 addresses.")
            }
            guard cidr.hosts.contains(start), cidr.hosts.contains(end) else {
                throw ControlPlaneError(.badRequest, "The allocation pool \(startText)-\(endText) spans beyond the subnet cidr \(cidr).",
                                        kind: "OutOfBoundsAllocationPool")
            }
            if let gateway, start <= gateway, gateway <= end {
                throw ControlPlaneError(.conflict, "Gateway ip \(gateway) conflicts with allocation pool \(startText)-\(endText).",
                                        kind: "GatewayConflictWithAllocationPools")
            }
            pools.append(Subnet.Pool(start: start, end: end))
        }
        let sorted = pools.sorted { $0.start < $1.start }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.start <= a.end {
            throw ControlPlaneError(.badRequest, "Found overlapping allocation pools: \(a.start)-\(a.end) and \(b.start)-\(b.end).",
                                    kind: "OverlappingAllocationPools")
        }
        return sorted
    }

    /// A network `p` may add subnets or ports to: its project's, a shared one, or any for admins.
    func ownedOrSharedNetwork(_ id: String, by p: Principal) async throws -> Versioned<Network> {
        let found = try await network(id, by: p)
        guard p.isAdmin || found.value.projectID == p.projectID || found.value.shared else {
            throw ControlPlaneError(.notFound, "Network \(id) could not be found.", kind: "NetworkNotFound")
        }
        return found
    }

    public func subnets(by p: Principal) async throws -> [Subnet] {
        let networks = Dictionary(try await store.networks.allNetworks().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return try await store.networks.allSubnets().filter { s in
            p.isAdmin || s.projectID == p.projectID || networks[s.networkID].map { visible($0, to: p) } == true
        }
    }

    public func subnet(_ id: String, by p: Principal) async throws -> Versioned<Subnet> {
        guard let found = try await store.networks.subnet(id) else {
            throw ControlPlaneError(.notFound, "Subnet \(id) could not be found.", kind: "SubnetNotFound")
        }
        if !p.isAdmin && found.value.projectID != p.projectID {
            guard let network = try await store.networks.network(found.value.networkID)?.value, visible(network, to: p) else {
                throw ControlPlaneError(.notFound, "Subnet \(id) could not be found.", kind: "SubnetNotFound")
            }
        }
        return found
    }

    /// Changes a subnet's name, description, gateway, DNS servers, routes or DHCP flag (its CIDR
    /// and pools stay: addresses were handed out from them).
    public func updateSubnet(_ id: String, _ f: SubnetFields, by p: Principal) async throws -> Subnet {
        try requireWrite(p)
        if f.cidr != nil || f.allocationPools != nil || f.networkID != nil || f.ipVersion != nil {
            throw Self.invalid("Cannot update read-only attribute: cidr, allocation_pools, network_id and ip_version are fixed here.")
        }
        if let name = f.name { try validateName(name) }
        return try await retryOnConflict {
            let current = try await subnet(id, by: p)
            guard p.isAdmin || current.value.projectID == p.projectID else {
                throw ControlPlaneError(.forbidden, "The subnet \(id) belongs to another project.", kind: "PolicyNotAuthorized")
            }
            var subnet = current.value
            if let v = f.name { subnet.name = v }
            if let v = f.description { subnet.description = v }
            if let v = f.enableDHCP { subnet.enableDHCP = v }
            if let v = f.dnsNameservers {
                guard v.allSatisfy({ IPv4Address($0) != nil }) else { throw Self.invalid("Invalid input for dns_nameservers.") }
                subnet.dnsNameservers = v
            }
            if let v = f.hostRoutes {
                subnet.hostRoutes = try v.map { route in
                    guard let d = IPv4CIDR(route.destination), let h = IPv4Address(route.nexthop) else { throw Self.invalid("Invalid input for host_routes.") }
                    return Subnet.Route(destination: d, nexthop: h)
                }
            }
            if let v = f.gatewayIP {
                let gateway = try v.map { text -> IPv4Address in
                    guard let a = IPv4Address(text), subnet.cidr.contains(a), a != subnet.cidr.network, a != subnet.cidr.broadcast else {
                        throw Self.invalid("Gateway IP \(text) is not a host address of subnet \(subnet.cidr).")
                    }
                    if subnet.pools.contains(where: { $0.start <= a && a <= $0.end }) {
                        throw ControlPlaneError(.conflict, "Gateway ip \(text) conflicts with the subnet's allocation pools.",
                                                kind: "GatewayConflictWithAllocationPools")
                    }
                    return a
                }
                subnet.gateway = gateway
            }
            subnet.updatedAt = clock.now()
            subnet.revision += 1
            var txn = Transaction()
            store.networks.stageUpdate(subnet, from: current, into: &txn)
            try await store.commit(txn, in: .global)
            return subnet
        }
    }

    /// Deletes a subnet; 409 `SubnetInUse` while any site holds an address in it.
    public func deleteSubnet(_ id: String, by p: Principal) async throws {
        try requireWrite(p)
        let current = try await subnet(id, by: p)
        guard p.isAdmin || current.value.projectID == p.projectID else {
            throw ControlPlaneError(.forbidden, "The subnet \(id) belongs to another project.", kind: "PolicyNotAuthorized")
        }
        let blocks = try await store.networks.blocks(of: id)
        for site in Set(blocks.values.map(\.site)).sorted() {
            let used: Set<IPv4Address>
            do { used = try await store.ports(site).usedAddresses(in: id) } catch {
                throw ControlPlaneError(.unavailable, "Site \(site) does not answer: whether it uses addresses of subnet \(id) is unknown.")
            }
            if !used.isEmpty {
                throw ControlPlaneError(.conflict, "Unable to complete operation on subnet \(id): one or more ports have an IP allocation from this subnet.",
                                        kind: "SubnetInUse")
            }
        }
        var txn = Transaction()
        store.networks.stageDelete(current, into: &txn)
        store.networks.stageReleaseBlocks(blocks, of: id, into: &txn)
        try await store.commit(txn, in: .global)
    }
}

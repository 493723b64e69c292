public import CloudModel
import Foundation
import LUCBase
import StateStore

extension RouterService {
    /// Attaches a subnet (the router takes its gateway address) or an unbound port of the
    /// router's site (the router takes its address).
    public func addInterface(_ id: String, subnetID: String?, portID: String?, by p: Principal) async throws -> InterfaceInfo {
        try networks.requireWrite(p)
        guard (subnetID == nil) != (portID == nil) else {
            throw Self.badRequest("Either subnet_id or port_id must be specified")
        }
        let router = try await router(id, by: p).value
        guard let site = await sites.site(router.site) else { throw Self.badRequest("site \(router.site) is unknown.") }
        if let portID {
            let port = try await ports.get(portID, by: p)
            guard port.value.deviceID.isEmpty else {
                throw ControlPlaneError(.conflict, "Port \(portID) is still in use.", kind: "PortInUse")
            }
            guard port.value.fixedIPs.count == 1, let fixed = port.value.fixedIPs.first else {
                throw Self.badRequest("Router port must have exactly one fixed IP")
            }
            guard port.value.site == router.site else {
                throw Self.badRequest("port \(portID) is at site \(port.value.site) and router \(id) at site \(router.site): a router's legs are at its own site.")
            }
            let subnet = try await attachableSubnet(fixed.subnetID, to: router, by: p)
            try await recordInterface(NetworkRouter.Interface(subnetID: subnet.id, portID: portID, madeByRouter: false), on: id, by: p)
            do {
                try await retryOnConflict {
                    let current = try await ports.get(portID, by: p)
                    guard current.value.deviceID.isEmpty else {
                        throw ControlPlaneError(.conflict, "Port \(portID) is still in use.", kind: "PortInUse")
                    }
                    var updated = current.value
                    updated.deviceID = router.id
                    updated.deviceOwner = NetworkRouter.interfaceOwner
                    updated.updatedAt = clock.now()
                    updated.revision += 1
                    var txn = Transaction()
                    store.ports(updated.site).stageUpdate(updated, from: current, into: &txn)
                    try await store.commit(txn, in: .site(updated.site))
                }
            } catch {
                try? await forgetInterface(subnet.id, on: id)
                throw error
            }
            await ports.wiring.routerChanged(id)
            return InterfaceInfo(routerID: id, projectID: router.projectID, portID: portID, subnetID: subnet.id, networkID: subnet.networkID)
        }
        let subnet = try await attachableSubnet(subnetID ?? "", to: router, by: p)
        guard let gateway = subnet.gateway else {
            throw Self.badRequest("Subnet \(subnet.id) does not have a gateway IP: attach a port instead.")
        }
        guard let network = try await store.networks.network(subnet.networkID)?.value else {
            throw ControlPlaneError(.notFound, "Network \(subnet.networkID) could not be found.", kind: "NetworkNotFound")
        }
        let newPortID = ResourceID.make(siteIndex: site.index)
        try await recordInterface(NetworkRouter.Interface(subnetID: subnet.id, portID: newPortID, madeByRouter: true), on: id, by: p)
        do {
            _ = try await ports.createDevicePort(on: network, at: site, id: newPortID,
                                                 exact: [NetworkPort.FixedIP(subnetID: subnet.id, address: gateway)],
                                                 deviceID: router.id, deviceOwner: NetworkRouter.interfaceOwner, projectID: router.projectID)
        } catch {
            try? await forgetInterface(subnet.id, on: id)
            throw error
        }
        await ports.wiring.routerChanged(id)
        return InterfaceInfo(routerID: id, projectID: router.projectID, portID: newPortID, subnetID: subnet.id, networkID: subnet.networkID)
    }

    /// The subnet, if `p` may attach it to `router`: visible, not external, not attached to any router.
    func attachableSubnet(_ subnetID: String, to router: NetworkRouter, by p: Principal) async throws -> Subnet {
        guard let subnet = try await store.networks.subnet(subnetID)?.value,
              let network = try await store.networks.network(subnet.networkID)?.value, networks.visible(network, to: p)
        else { throw ControlPlaneError(.notFound, "Subnet \(subnetID) could not be found.", kind: "SubnetNotFound") }
        if network.external { throw Self.badRequest("subnet \(subnetID) is on external network \(network.id): it is a gateway, not an interface.") }
        if router.interfaces.contains(where: { $0.subnetID == subnetID }) {
            throw Self.badRequest("Router already has a port on subnet \(subnetID)")
        }
        if let other = try await store.networks.routerID(onSubnet: subnetID) {
            throw ControlPlaneError(.conflict, "IP address \(subnet.gateway?.description ?? "") of subnet \(subnetID) is already held by router \(other).",
                                    kind: "IpAddressAlreadyAllocated")
        }
        return subnet
    }

    /// Adds the interface to the router's record (and the subnet's index entry) in `global`.
    func recordInterface(_ interface: NetworkRouter.Interface, on id: String, by p: Principal) async throws {
        try await retryOnConflict {
            let current = try await router(id, by: p)
            if current.value.interfaces.contains(where: { $0.subnetID == interface.subnetID }) {
                throw Self.badRequest("Router already has a port on subnet \(interface.subnetID)")
            }
            if try await store.networks.routerID(onSubnet: interface.subnetID) != nil {
                throw ControlPlaneError(.conflict, "The gateway of subnet \(interface.subnetID) is already held by another router.",
                                        kind: "IpAddressAlreadyAllocated")
            }
            var router = current.value
            router.interfaces.append(interface)
            router.updatedAt = clock.now()
            router.revision += 1
            var txn = Transaction()
            store.networks.stagePut(router, from: current, into: &txn)
            try await store.commit(txn, in: .global)
        }
    }

    /// Removes the subnet's interface from the router's record; nothing if it is not there.
    func forgetInterface(_ subnetID: Subnet.ID, on id: String) async throws {
        try await retryOnConflict {
            guard let current = try await store.networks.router(id) else { return }
            var router = current.value
            router.interfaces.removeAll { $0.subnetID == subnetID }
            guard router.interfaces.count != current.value.interfaces.count else { return }
            router.updatedAt = clock.now()
            router.revision += 1
            var txn = Transaction()
            store.networks.stagePut(router, from: current, into: &txn)
            try await store.commit(txn, in: .global)
        }
    }

    /// Detaches a subnet or port: 404 when the router has no such interface, 409 while a floating
    /// IP reaches that subnet through the router. A port the router made is deleted, a user's
    /// port is released.
    public func removeInterface(_ id: String, subnetID: String?, portID: String?, by p: Principal) async throws -> InterfaceInfo {
        try networks.requireWrite(p)
        guard subnetID != nil || portID != nil else { throw Self.badRequest("Either subnet_id or port_id must be specified") }
        let router = try await router(id, by: p).value
        guard let interface = router.interfaces.first(where: { i in (subnetID.map { $0 == i.subnetID } ?? true) && (portID.map { $0 == i.portID } ?? true) })
        else {
            if let subnetID {
                throw ControlPlaneError(.notFound, "Router \(id) has no interface on subnet \(subnetID)", kind: "RouterInterfaceNotFoundForSubnet")
            }
            throw ControlPlaneError(.notFound, "Router \(id) does not have an interface with id \(portID ?? "")", kind: "RouterInterfaceNotFound")
        }
        let subnet = try await store.networks.subnet(interface.subnetID)?.value
        if let subnet { try await requireNoFloatingIPs(on: router, subnet: subnet, "its interface on subnet \(subnet.id) cannot be deleted") }
        try await forgetInterface(interface.subnetID, on: id)
        if let site = await sites.home(of: interface.portID) {
            let host = try await retryOnConflict { () -> ComputeHost.ID? in
                guard let current = try await store.ports(site.id).find(interface.portID) else { return nil }
                var txn = Transaction()
                if interface.madeByRouter {
                    store.ports(site.id).stageDelete(current, into: &txn)
                } else {
                    store.ports(site.id).stageUpdate(current.value.released(at: clock.now()), from: current, into: &txn)
                }
                try await store.commit(txn, in: .site(site.id))
                return current.value.hostID
            }
            // The router's host drops the leg (or the whole router, if it was its last), then leaves the network.
            if let host, let network = subnet?.networkID {
                if router.gateway == nil && router.interfaces.count == 1 {
                    await ports.wiring.routerRemoved(id, from: host, networks: [network], site: site.id)
                } else {
                    await ports.wiring.routerChanged(id)
                    await ports.wiring.released(networks: [network], from: host, site: site.id)
                }
            }
        }
        return InterfaceInfo(routerID: id, projectID: router.projectID, portID: interface.portID, subnetID: interface.subnetID,
                             networkID: subnet?.networkID ?? "")
    }
}

public import Foundation
import LUCBase

/// A host's share of the tenant networks (DESIGN §8.1): per network a Linux bridge (its ports'
/// taps plug in) and a VXLAN device on it (the network's VNI, learning off, over the host's
/// underlay address), with the forwarding entries the control plane gives it: the flood list
/// (the other hosts with a port on the network) and the remote MACs (port MAC → its host).
/// An external network (the site's uplink, `ensureUplink`) is bridged onto the host's uplink
/// interface instead: flat, no VXLAN.
///
/// Every call states the wanted end state and is idempotent: it reads what the kernel has and
/// changes only the difference, so an agent restarted after a crash adopts what is there without
/// duplicating an entry. With `namespace` every command runs in that network namespace (a
/// simulated host); without, in the caller's.
public actor HostFabric {
    public nonisolated let namespace: String?
    /// This host's underlay address (the VXLAN source).
    public nonisolated let underlay: String
    /// The underlay interface, if the VXLAN must be pinned to one.
    public nonisolated let device: String?
    /// The host's interface on its site's uplink LAN (where the site's external network is), if any.
    public nonisolated let uplink: String?
    public static let vxlanPort = 4789
    static let flood = "00:00:00:00:00:00"

    public init(namespace: String? = nil, underlay: String, device: String? = nil, uplink: String? = nil) {
        self.namespace = namespace
        self.underlay = underlay
        self.device = device
        self.uplink = uplink
    }

    /// Makes the network's bridge and VXLAN device (up, at the network's MTU) if missing. A VXLAN
    /// device made with the other ARP mode (`answersARP`) is made again: the kernel cannot change
    /// it in place (its forwarding entries go with it; `setPeers` and `setRemoteMACs` restore them).
    public func ensure(_ network: OverlayNetwork) async throws {
        let found = try await links()
        var present = Set(found.map(\.name))
        if let vxlan = found.first(where: { $0.name == network.vxlan }), vxlan.proxy != network.answersARP {
            try await ip(["link", "del", network.vxlan])
            present.remove(network.vxlan)
        }
        if !present.contains(network.bridge) {
            // A port's tap may be creating the bridge at the same moment (the driver plugs taps).
            let made = try await run("ip", ["link", "add", network.bridge, "type", "bridge"], check: false)
            if made.status != 0, try await !links().contains(where: { $0.name == network.bridge }) {
                throw DataPlaneError("cannot create bridge \(network.bridge): \(made.output)")
            }
        }
        try await ip(["link", "set", network.bridge, "up"])
        if !present.contains(network.vxlan) {
            var add = ["link", "add", network.vxlan, "type", "vxlan", "id", String(network.vni), "local", underlay,
                       "dstport", String(Self.vxlanPort), "nolearning"] + (network.answersARP ? ["proxy"] : [])
            if let device { add += ["dev", device] }
            try await ip(add)
        }
        try await ip(["link", "set", network.vxlan, "mtu", String(network.mtu), "master", network.bridge, "up"])
    }

    /// Makes the external network's bridge with the host's uplink interface on it (flat: the
    /// uplink LAN is the network). Throws when the host has no uplink or it carries another network.
    public func ensureUplink(_ network: OverlayNetwork) async throws {
        guard let uplink else { throw DataPlaneError("this host has no uplink interface: it cannot carry external network \(network.networkID)") }
        let present = try await links()
        guard let device = present.first(where: { $0.name == uplink }) else { throw DataPlaneError("uplink interface \(uplink) does not exist") }
        if let master = device.master, master != network.bridge {
            throw DataPlaneError("uplink interface \(uplink) already carries the network of bridge \(master): one external network per uplink")
        }
        if !present.contains(where: { $0.name == network.bridge }) {
            let made = try await run("ip", ["link", "add", network.bridge, "type", "bridge"], check: false)
            if made.status != 0, try await !links().contains(where: { $0.name == network.bridge }) {
                throw DataPlaneError("cannot create bridge \(network.bridge): \(made.output)")
            }
        }
        try await ip(["link", "set", network.bridge, "up"])
        try await ip(["link", "set", uplink, "master", network.bridge, "up"])
    }

    /// Plugs `interface` (a port's tap) into the network's bridge, at the network's MTU.
    public func attach(_ interface: String, to network: OverlayNetwork) async throws {
        try await ip(["link", "set", interface, "mtu", String(network.mtu), "master", network.bridge, "up"])
    }

    /// Sets the network's flood list to exactly `peers` (the underlay addresses of the other
    /// hosts with a port on it): broadcast and unknown frames go to those hosts and no others.
    public func setPeers(_ peers: Set<String>, of network: OverlayNetwork) async throws {
        let current = Set(try await remoteEntries(network).filter { $0.mac == Self.flood }.map(\.dst))
        for peer in peers.subtracting(current).sorted() {
            try await bridge(["fdb", "append", Self.flood, "dev", network.vxlan, "dst", peer])
        }
        for peer in current.subtracting(peers).sorted() {
            try await bridge(["fdb", "del", Self.flood, "dev", network.vxlan, "dst", peer])
        }
    }

    /// Sets the network's remote MACs to exactly `macs` (a port's MAC → its host's underlay
    /// address), so unicast frames to them go straight to their host.
    public func setRemoteMACs(_ macs: [String: String], of network: OverlayNetwork) async throws {
        let wanted = Dictionary(macs.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        let current = Dictionary(try await remoteEntries(network).filter { $0.mac != Self.flood }.map { ($0.mac, $0.dst) },
                                 uniquingKeysWith: { first, _ in first })
        for (mac, dst) in wanted.sorted(by: { $0.key < $1.key }) where current[mac] != dst {
            try await bridge(["fdb", "replace", mac, "dev", network.vxlan, "dst", dst])
        }
        for mac in current.keys.sorted() where wanted[mac] == nil {
            try await bridge(["fdb", "del", mac, "dev", network.vxlan])
        }
    }

    /// Sets the network's neighbour table to exactly `neighbours` (the other hosts' ports: IPv4
    /// address → MAC), from which a VXLAN device that `answersARP` answers the local guests' ARP
    /// requests (a request for an address not in it is dropped, not flooded to every host).
    public func setNeighbours(_ neighbours: [String: String], of network: OverlayNetwork) async throws {
        let wanted = neighbours.mapValues { $0.lowercased() }
        let text = try await ip(["-j", "neigh", "show", "dev", network.vxlan]).output
        let list = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
        var current: [String: String] = [:]
        for item in list {
            guard let address = item["dst"] as? String else { continue }
            current[address] = (item["lladdr"] as? String)?.lowercased() ?? ""
        }
        for (address, mac) in wanted.sorted(by: { $0.key < $1.key }) where current[address] != mac {
            try await ip(["neigh", "replace", address, "lladdr", mac, "dev", network.vxlan, "nud", "permanent"])
        }
        for address in current.keys.sorted() where wanted[address] == nil {
            try await ip(["neigh", "del", address, "dev", network.vxlan])
        }
    }

    /// Removes the network's VXLAN device (with its entries) or takes the uplink off its bridge,
    /// removes its firewall tables, and its bridge once no port is left on it. Missing devices
    /// are fine.
    public func remove(_ network: OverlayNetwork) async throws {
        try await removeFilters(of: network)
        let present = try await links()
        if present.contains(where: { $0.name == network.vxlan && $0.master == network.bridge }) { try await ip(["link", "del", network.vxlan]) }
        if let uplink, present.contains(where: { $0.name == uplink && $0.master == network.bridge }) {
            try await ip(["link", "set", uplink, "nomaster"])
        }
        let others = present.filter { $0.master == network.bridge && $0.name != network.vxlan && $0.name != uplink }
        if others.isEmpty, present.contains(where: { $0.name == network.bridge }) { try await ip(["link", "del", network.bridge]) }
    }

    /// The networks this host carries (VXLAN devices it finds on a bridge), for adoption.
    public func networks() async throws -> [(vni: Int, bridge: String)] {
        try await links(["type", "vxlan"]).compactMap { link in link.vni.map { ($0, link.master ?? "") } }.sorted { $0.vni < $1.vni }
    }

    /// The bridge the uplink interface is on (the external network this host carries), if any.
    public func uplinkBridge() async throws -> String? {
        guard let uplink else { return nil }
        return try await links().first { $0.name == uplink }?.master
    }

    // MARK: kernel state

    struct Link {
        var name: String
        var master: String?
        var vni: Int?
        /// A VXLAN device answering ARP from its neighbour table.
        var proxy = false
    }

    struct RemoteEntry {
        var mac: String
        var dst: String
    }

    func links(_ filter: [String] = []) async throws -> [Link] {
        let text = try await ip(["-j", "-d", "link", "show"] + filter).output
        guard let list = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { return [] }
        return list.compactMap { item in
            guard let name = item["ifname"] as? String else { return nil }
            let data = (item["linkinfo"] as? [String: Any])?["info_data"] as? [String: Any]
            return Link(name: name, master: item["master"] as? String, vni: data?["id"] as? Int, proxy: data?["proxy"] as? Bool ?? false)
        }
    }

    /// The VXLAN device's entries toward other hosts (those with a `dst`).
    func remoteEntries(_ network: OverlayNetwork) async throws -> [RemoteEntry] {
        let text = try await bridge(["-j", "fdb", "show", "dev", network.vxlan]).output
        guard let list = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { return [] }
        return list.compactMap { item in
            guard let mac = item["mac"] as? String, let dst = item["dst"] as? String else { return nil }
            return RemoteEntry(mac: mac.lowercased(), dst: dst)
        }
    }

    @discardableResult
    func ip(_ arguments: [String]) async throws -> HostCommand.Result {
        try await run("ip", arguments)
    }

    @discardableResult
    func bridge(_ arguments: [String]) async throws -> HostCommand.Result {
        try await run("bridge", arguments)
    }

    private func run(_ tool: String, _ arguments: [String], check: Bool = true) async throws -> HostCommand.Result {
        let scoped = (namespace.map { ["-n", $0] } ?? []) + arguments
        do {
            return try await HostCommand.run(tool, scoped, timeout: .seconds(10), check: check)
        } catch let error as HostCommandError {
            throw DataPlaneError("\(error)")
        }
    }
}

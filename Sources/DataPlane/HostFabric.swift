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
    /// The firewall script this fabric last applied per network bridge (`setFilters`): the same
    /// script is not applied again. A new agent (after a crash) starts empty and applies it once.
    var appliedFilters: [String: String] = [:]
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
        var found = try await links()
        if let vxlan = found.first(where: { $0.name == network.vxlan }), vxlan.proxy != network.answersARP {
            try await ip(["link", "del", network.vxlan])
            found.removeAll { $0.name == network.vxlan }
        }
        let bridge = found.first { $0.name == network.bridge }
        if bridge == nil {
            // A port's tap may be creating the bridge at the same moment (the driver plugs taps).
            let made = try await run("ip", ["link", "add", network.bridge, "type", "bridge"], check: false)
            if made.status != 0, try await !links().contains(where: { $0.name == network.bridge }) {
                throw DataPlaneError("cannot create bridge \(network.bridge): \(made.output)")
            }
        }
        // What is already as wanted is not set again: a restate of an unchanged network runs one
        // command here (the read), not three.
        if bridge?.up != true { try await ip(["link", "set", network.bridge, "up"]) }
        let vxlan = found.first { $0.name == network.vxlan }
        if vxlan == nil {
            var add = ["link", "add", network.vxlan, "type", "vxlan", "id", String(network.vni), "local", underlay,
                       "dstport", String(Self.vxlanPort), "nolearning"] + (network.answersARP ? ["proxy"] : [])
            if let device { add += ["dev", device] }
            try await ip(add)
        }
        if vxlan?.mtu != network.mtu || vxlan?.master != network.bridge || vxlan?.up != true {
            try await ip(["link", "set", network.vxlan, "mtu", String(network.mtu), "master", network.bridge, "up"])
        }
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
        try await setForwarding(peers: peers, macs: nil, of: network)
    }

    /// Sets the network's remote MACs to exactly `macs` (a port's MAC → its host's underlay
    /// address), so unicast frames to them go straight to their host.
    public func setRemoteMACs(_ macs: [String: String], of network: OverlayNetwork) async throws {
        try await setForwarding(peers: nil, macs: macs, of: network)
    }

    /// Sets the flood list (`peers`) and the remote MACs (`macs`) of the network together, each as
    /// `setPeers` and `setRemoteMACs` do (nil: left as it is): one read of the VXLAN device's
    /// entries and at most one `bridge -batch` for all the changes.
    public func setForwarding(peers: Set<String>?, macs: [String: String]?, of network: OverlayNetwork) async throws {
        let entries = try await remoteEntries(network)
        var changes: [String] = []
        if let peers {
            let current = Set(entries.filter { $0.mac == Self.flood }.map(\.dst))
            for peer in peers.subtracting(current).sorted() { changes.append("fdb append \(Self.flood) dev \(network.vxlan) dst \(peer)") }
            for peer in current.subtracting(peers).sorted() { changes.append("fdb del \(Self.flood) dev \(network.vxlan) dst \(peer)") }
        }
        if let macs {
            let wanted = Dictionary(macs.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
            let current = Dictionary(entries.filter { $0.mac != Self.flood }.map { ($0.mac, $0.dst) }, uniquingKeysWith: { first, _ in first })
            for (mac, dst) in wanted.sorted(by: { $0.key < $1.key }) where current[mac] != dst {
                changes.append("fdb replace \(mac) dev \(network.vxlan) dst \(dst)")
            }
            for mac in current.keys.sorted() where wanted[mac] == nil { changes.append("fdb del \(mac) dev \(network.vxlan)") }
        }
        try await batch("bridge", changes)
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
        var changes: [String] = []
        for (address, mac) in wanted.sorted(by: { $0.key < $1.key }) where current[address] != mac {
            changes.append("neigh replace \(address) lladdr \(mac) dev \(network.vxlan) nud permanent")
        }
        for address in current.keys.sorted() where wanted[address] == nil { changes.append("neigh del \(address) dev \(network.vxlan)") }
        try await batch("ip", changes)
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
        /// Administratively up.
        var up = false
        var mtu: Int?
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
            return Link(name: name, master: item["master"] as? String, vni: data?["id"] as? Int, proxy: data?["proxy"] as? Bool ?? false,
                        up: (item["flags"] as? [String])?.contains("UP") ?? false, mtu: item["mtu"] as? Int)
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

    /// Runs `lines` (commands of `tool`, one per line, without the tool's name) in one `tool
    /// -batch` process; stops at the first that fails. Nothing to run: nothing is started.
    private func batch(_ tool: String, _ lines: [String]) async throws {
        guard !lines.isEmpty else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("luc-\(tool)-\(UUID().uuidString).batch")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try await run(tool, ["-batch", file.path])
    }

    @discardableResult
    private func run(_ tool: String, _ arguments: [String], check: Bool = true) async throws -> HostCommand.Result {
        let scoped = (namespace.map { ["-n", $0] } ?? []) + arguments
        do {
            return try await HostCommand.run(tool, scoped, timeout: .seconds(10), check: check)
        } catch let error as HostCommandError {
            throw DataPlaneError("\(error)")
        }
    }
}

public import Foundation
import LUCBase

/// Runs routers on a host (DESIGN §8.1): each router a network namespace of its own, a veth leg
/// per `RouterSpec.Leg` (the host end on the leg's network bridge, `OverlayNetwork.bridge`),
/// forwarding on, a default route to the external next hop, floating addresses on the external
/// leg, and an nftables NAT table (SNAT of the subnets behind the gateway address, DNAT/SNAT per
/// floating IP) replaced whole in one transaction.
///
/// `apply` states the whole router and is idempotent (a restarted agent adopts what is there);
/// `remove` deletes the namespace, whose legs go with it. With `hostNamespace` the host itself is
/// a namespace (a simulated host) and the router's namespace is named after it.
public actor HostRouter {
    public nonisolated let hostNamespace: String?

    public init(hostNamespace: String? = nil) {
        self.hostNamespace = hostNamespace
    }

    /// The router's namespace on this host.
    public nonisolated func namespace(of routerID: String) -> String {
        "\(hostNamespace ?? "luc")-r" + Self.short(routerID, 12)
    }

    /// Makes the router on this host exactly `spec`.
    public func apply(_ spec: RouterSpec) async throws {
        let ns = namespace(of: spec.routerID)
        try Self.validate(spec)
        let legs = (spec.gateway.map { [("qg-", $0)] } ?? []) + spec.interfaces.map { ("qr-", $0) }
        if try await !namespaces().contains(ns) {
            try await run(["ip", "netns", "add", ns])
        }
        try await run(["ip", "-n", ns, "link", "set", "lo", "up"])
        // Forwarding on; legs announce themselves (gratuitous ARP) when they come up, so the LANs
        // learn at once where a router that moved from another host now is.
        try await run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.arp_notify=1",
                       "net.ipv4.conf.default.arp_notify=1"])
        var wanted: Set<String> = []
        for (kind, leg) in legs {
            let inside = kind + Self.short(leg.networkID, 8), outside = "rl" + Self.short(spec.routerID, 6) + Self.short(leg.networkID, 5)
            wanted.insert(inside)
            if try await run(["ip", "-n", ns, "link", "show", inside], check: false).status != 0 {
                try await run(host(["link", "add", outside, "type", "veth", "peer", "name", inside, "netns", ns]))
                // Set while the new leg is down: its port's MAC, the one the other hosts were told.
                if let mac = leg.mac { try await run(["ip", "-n", ns, "link", "set", inside, "address", mac.lowercased()]) }
            }
            try await run(host(["link", "set", outside, "mtu", String(leg.mtu), "master", OverlayNetwork.bridgeName(leg.networkID), "up"]))
            var addresses = ["\(leg.address)/\(leg.prefix)"]
            if kind == "qg-" { addresses += spec.floatingIPs.keys.sorted().map { "\($0)/32" } }
            let present = try await addressesOf(inside, in: ns)
            if Set(present) != Set(addresses) {
                try await run(["ip", "-n", ns, "addr", "flush", "dev", inside])
                for address in addresses { try await run(["ip", "-n", ns, "addr", "add", address, "dev", inside]) }
            }
            try await run(["ip", "-n", ns, "link", "set", inside, "mtu", String(leg.mtu), "up"])
        }
        for link in try await legsOf(ns) where !wanted.contains(link) {
            try await run(["ip", "-n", ns, "link", "del", link])
        }
        if let hop = spec.nextHop, spec.gateway != nil {
            try await run(["ip", "-n", ns, "route", "replace", "default", "via", hop])
        }
        try await nft(Self.natScript(spec), in: ns)
    }

    /// Throws on a value of `spec` that is not an address, a MAC, a prefix length or an MTU.
    public static func validate(_ spec: RouterSpec) throws {
        for leg in (spec.gateway.map { [$0] } ?? []) + spec.interfaces {
            _ = try FirewallRuleset.checkedAddress(leg.address, prefix: false)
            if let mac = leg.mac { _ = try FirewallRuleset.checkedMAC(mac) }
            guard (0...32).contains(leg.prefix), (576...9000).contains(leg.mtu) else {
                throw DataPlaneError("leg on \(leg.networkID): prefix must be 0...32 and MTU 576...9000")
            }
        }
        if let hop = spec.nextHop { _ = try FirewallRuleset.checkedAddress(hop, prefix: false) }
        for (floating, fixed) in spec.floatingIPs {
            _ = try FirewallRuleset.checkedAddress(floating, prefix: false)
            _ = try FirewallRuleset.checkedAddress(fixed, prefix: false)
        }
    }

    /// Removes the router from this host (missing is fine).
    public func remove(_ routerID: String) async throws {
        let ns = namespace(of: routerID)
        if try await namespaces().contains(ns) { try await run(["ip", "netns", "del", ns]) }
    }

    /// The routers' namespaces on this host.
    public func routerNamespaces() async throws -> [String] {
        let prefix = "\(hostNamespace ?? "luc")-r"
        return try await namespaces().filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// The routers on this host, each by the first 12 hex digits of its ID (as its namespace names it).
    public func routerIDs() async throws -> [String] {
        let prefix = "\(hostNamespace ?? "luc")-r"
        return try await routerNamespaces().map { String($0.dropFirst(prefix.count)) }
    }

    /// The NAT table of a router: DNAT of each floating address to its fixed one, SNAT of that
    /// fixed address to its floating one, then (with `snat`) the rest of the subnets behind the
    /// gateway address.
    static func natScript(_ spec: RouterSpec) -> String {
        var lines = ["table ip luc-router {}", "delete table ip luc-router", "table ip luc-router {",
                     "  chain prerouting {", "    type nat hook prerouting priority dstnat; policy accept;"]
        for (floating, fixed) in spec.floatingIPs.sorted(by: { $0.key < $1.key }) { lines.append("    ip daddr \(floating) dnat to \(fixed)") }
        lines += ["  }", "  chain postrouting {", "    type nat hook postrouting priority srcnat; policy accept;"]
        if let gateway = spec.gateway {
            let out = "qg-" + short(gateway.networkID, 8)
            for (floating, fixed) in spec.floatingIPs.sorted(by: { $0.key < $1.key }) {
                lines.append("    oifname \"\(out)\" ip saddr \(fixed) snat to \(floating)")
            }
            if spec.snat { lines.append("    oifname \"\(out)\" snat to \(gateway.address)") }
        }
        lines += ["  }", "}"]
        return lines.joined(separator: "\n") + "\n"
    }

    static func short(_ id: String, _ count: Int) -> String { String(id.filter { $0 != "-" }.prefix(count)) }

    // MARK: kernel state

    func host(_ arguments: [String]) -> [String] { ["ip"] + (hostNamespace.map { ["-n", $0] } ?? []) + arguments }

    func namespaces() async throws -> Set<String> { try await DataPlaneCommand.namespaces() }

    func legsOf(_ ns: String) async throws -> [String] {
        try await run(["ip", "-n", ns, "-o", "link", "show"]).output.split(separator: "\n").compactMap { line in
            let name = line.split(separator: ":").dropFirst().first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            let bare = String(name.split(separator: "@").first ?? "")
            return bare.hasPrefix("qr-") || bare.hasPrefix("qg-") ? bare : nil
        }
    }

    func addressesOf(_ device: String, in ns: String) async throws -> [String] {
        try await run(["ip", "-n", ns, "-o", "-4", "addr", "show", "dev", device]).output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let at = fields.firstIndex(of: "inet"), at + 1 < fields.count else { return nil }
            return String(fields[at + 1])
        }
    }

    func nft(_ script: String, in ns: String) async throws {
        guard HostFabric.nftAvailable else { throw DataPlaneError("nft (nftables) is not installed: routers cannot NAT") }
        try await DataPlaneCommand.nftScript(script, in: ns)
    }

    @discardableResult
    private func run(_ command: [String], check: Bool = true) async throws -> HostCommand.Result {
        try await DataPlaneCommand.run(command, check: check)
    }
}

public import Foundation
import LUCBase

/// Many hosts and sites on one machine, for the demo and the lab (DESIGN §11): every simulated
/// host is a network namespace with an underlay address; the hosts of a site share the site's
/// underlay (a bridge, `172.31.<site>.0/24`), and sites are joined by routing through one "wan"
/// namespace, where `cut`/`heal` add and remove policy rules that drop the traffic between two
/// sites (as a cut WAN link would) without touching the hosts.
///
/// Each site also has an uplink: an "outside" namespace `<prefix>-s<site>out` standing for its
/// internet side, a LAN (bridge `uplink`) with `uplinkAddress` (the first address of
/// `uplinkNetwork`, 198.18.<site>.0/24 of the benchmarking range, never routed anywhere) and
/// every host of the site on it through its `e0`: the site's external network is carried flat
/// on that LAN, and the outside namespace is where a floating IP is reached from. The uplink is
/// not behind the wan namespace, so a cut site keeps its internet.
///
/// Everything is named after `prefix` (namespaces `<prefix>-wan`, `<prefix>-s<site>h<host>`,
/// `<prefix>-s<site>out`), so `removeAll` finds and deletes what a previous run left, also after
/// a crash.
public actor Underlay {
    public nonisolated let prefix: String
    private var sites: Set<Int> = []

    /// One simulated host: its namespace and underlay address.
    public struct Host: Sendable, Hashable {
        public var namespace: String
        public var address: String
        /// The underlay interface inside the namespace.
        public var device: String { "u0" }
        /// The interface on the site's uplink LAN inside the namespace.
        public var uplinkDevice: String { "e0" }
    }

    public init(prefix: String) {
        self.prefix = prefix
    }

    var wan: String { "\(prefix)-wan" }

    public static func siteNetwork(_ site: Int) -> String { "172.31.\(site).0/24" }

    /// The range of site `site`'s uplink LAN (for its external network's subnet).
    public static func uplinkNetwork(_ site: Int) -> String { "198.18.\(site).0/24" }

    /// The outside's own address on the uplink LAN (the external subnet's gateway).
    public static func uplinkAddress(_ site: Int) -> String { "198.18.\(site).1" }

    /// Site `site`'s outside namespace.
    public nonisolated func uplinkNamespace(_ site: Int) -> String { "\(prefix)-s\(site)out" }

    /// Makes the site's underlay (its bridge in the wan namespace, routed to the other sites').
    public func addSite(_ site: Int) async throws {
        guard (1...250).contains(site) else { throw DataPlaneError("site index \(site) is outside 1...250") }
        if sites.contains(site) { return }
        if try await !namespaces().contains(wan) {
            try await run(["ip", "netns", "add", wan])
            try await run(["ip", "netns", "exec", wan, "sysctl", "-qw", "net.ipv4.ip_forward=1"])
            try await run(["ip", "-n", wan, "link", "set", "lo", "up"])
        }
        let bridge = "s\(site)"
        if try await run(["ip", "-n", wan, "link", "show", bridge], check: false).status != 0 {
            try await run(["ip", "-n", wan, "link", "add", bridge, "type", "bridge"])
            try await run(["ip", "-n", wan, "addr", "add", "172.31.\(site).254/24", "dev", bridge])
        }
        try await run(["ip", "-n", wan, "link", "set", bridge, "up"])
        let outside = uplinkNamespace(site)
        if try await !namespaces().contains(outside) {
            try await run(["ip", "netns", "add", outside])
            try await run(["ip", "-n", outside, "link", "set", "lo", "up"])
            try await run(["ip", "-n", outside, "link", "add", "uplink", "type", "bridge"])
            try await run(["ip", "-n", outside, "addr", "add", "\(Self.uplinkAddress(site))/24", "dev", "uplink"])
            try await run(["ip", "-n", outside, "link", "set", "uplink", "up"])
        }
        sites.insert(site)
    }

    /// Makes host `host` (1...250) of `site`: a namespace with `u0` on the site's bridge.
    public func addHost(site: Int, host: Int) async throws -> Host {
        guard (1...250).contains(host) else { throw DataPlaneError("host index \(host) is outside 1...250") }
        try await addSite(site)
        let namespace = "\(prefix)-s\(site)h\(host)", address = "172.31.\(site).\(host)", outer = "s\(site)h\(host)"
        if try await !namespaces().contains(namespace) {
            try await run(["ip", "netns", "add", namespace])
            try await run(["ip", "-n", wan, "link", "add", outer, "type", "veth", "peer", "name", "u0", "netns", namespace])
            try await run(["ip", "-n", wan, "link", "set", outer, "master", "s\(site)", "up"])
            try await run(["ip", "-n", namespace, "addr", "add", "\(address)/24", "dev", "u0"])
            try await run(["ip", "-n", namespace, "link", "set", "u0", "up"])
            try await run(["ip", "-n", namespace, "link", "set", "lo", "up"])
            try await run(["ip", "-n", namespace, "route", "add", "default", "via", "172.31.\(site).254"])
        }
        let outside = uplinkNamespace(site), port = "h\(host)"
        if try await run(["ip", "-n", namespace, "link", "show", "e0"], check: false).status != 0 {
            try await run(["ip", "-n", outside, "link", "add", port, "type", "veth", "peer", "name", "e0", "netns", namespace])
            try await run(["ip", "-n", outside, "link", "set", port, "master", "uplink", "up"])
            try await run(["ip", "-n", namespace, "link", "set", "e0", "up"])
        }
        return Host(namespace: namespace, address: address)
    }

    /// Drops everything between sites `a` and `b` (both directions) until `heal`.
    public func cut(_ a: Int, _ b: Int) async throws {
        for (from, to) in [(a, b), (b, a)] where try await !rules().contains(Self.rule(from, to)) {
            try await run(["ip", "-n", wan, "rule", "add", "from", Self.siteNetwork(from), "to", Self.siteNetwork(to), "prohibit"])
        }
    }

    /// Restores the link between `a` and `b`.
    public func heal(_ a: Int, _ b: Int) async throws {
        for (from, to) in [(a, b), (b, a)] where try await rules().contains(Self.rule(from, to)) {
            try await run(["ip", "-n", wan, "rule", "del", "from", Self.siteNetwork(from), "to", Self.siteNetwork(to), "prohibit"])
        }
    }

    /// Whether the link between `a` and `b` is cut.
    public func isCut(_ a: Int, _ b: Int) async throws -> Bool {
        try await rules().contains(Self.rule(a, b))
    }

    /// Deletes every namespace named after the prefix (their devices and rules go with them).
    public func removeAll() async throws {
        for namespace in try await leftovers() {
            try await run(["ip", "netns", "del", namespace], check: false)
        }
        sites = []
    }

    /// The namespaces named after the prefix.
    public func leftovers() async throws -> [String] {
        try await namespaces().filter { $0 == wan || $0.hasPrefix("\(prefix)-s") }
    }

    // MARK: kernel state

    static func rule(_ from: Int, _ to: Int) -> String { "from \(siteNetwork(from)) to \(siteNetwork(to)) prohibit" }

    func rules() async throws -> [String] {
        try await run(["ip", "-n", wan, "rule", "show"]).output.split(separator: "\n").map {
            $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        }
    }

    func namespaces() async throws -> Set<String> { try await DataPlaneCommand.namespaces() }

    @discardableResult
    private func run(_ command: [String], check: Bool = true) async throws -> HostCommand.Result {
        try await DataPlaneCommand.run(command, check: check)
    }
}

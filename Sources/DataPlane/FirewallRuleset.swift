/// Renders a network's firewall on one host as an nftables script (DESIGN §8.3), applied in one
/// `nft -f` transaction so a change is atomic and repeating it is harmless (the tables are
/// replaced whole: an agent restarted after a crash adopts them by stating them again).
///
/// Two tables per network, both named `luc-<bridge>`:
/// - `bridge`: anti-spoofing on each filtered port's tap (its MAC, its addresses as IP and ARP
///   sources, IPv6 only link-local), stateless, before the bridge forwards the frame;
/// - `inet`: the security groups, stateful (bridged IPv4/IPv6 pass the inet hooks through
///   br_netfilter; the kernel here has no conntrack in the bridge family). The network gets its
///   own conntrack zone, so overlapping tenant addresses on one host do not mix. Established
///   traffic passes; a new flow from a filtered port must match one of its egress rules, a new
///   flow to one must match one of its ingress rules; everything else is dropped.
///
/// Ports are told apart by MAC on the network's bridge (frames from a filtered port carry its
/// MAC: the bridge table guarantees it). Ports with port security off get no entry.
public enum FirewallRuleset {
    public static func table(_ network: OverlayNetwork) -> String { "luc-" + network.bridge }

    /// The conntrack zone of a network on every host (1...65535, from its VNI).
    public static func zone(_ network: OverlayNetwork) -> Int { network.vni % 65_535 + 1 }

    /// The script that makes the network's tables exactly `ports`' filters. Throws on a value
    /// that is not a MAC, an address, a prefix, a protocol or a port number.
    public static func render(_ network: OverlayNetwork, ports: [PortFilter]) throws -> String {
        let table = table(network), bridge = network.bridge
        let filtered = ports.filter(\.security).sorted { $0.portID < $1.portID }
        var spoof: [String] = [], dispatch: [String] = [], chains: [String] = []
        for (index, port) in filtered.enumerated() {
            let mac = try checkedMAC(port.mac)
            let tap = PortFilter.tapName(port.portID)
            let sources = try port.addresses.map { try checkedAddress($0, prefix: false) }
            spoof.append("iifname \"\(tap)\" ether saddr != \(mac) drop")
            let set = sources.isEmpty ? nil : "{ \(sources.joined(separator: ", ")) }"
            spoof.append(set.map { "iifname \"\(tap)\" ether type arp arp saddr ip != \($0) drop" } ?? "iifname \"\(tap)\" ether type arp drop")
            spoof.append(set.map { "iifname \"\(tap)\" ether type ip ip saddr != \($0) drop" } ?? "iifname \"\(tap)\" ether type ip drop")
            spoof.append("iifname \"\(tap)\" ether type ip6 ip6 saddr != fe80::/10 drop")
            dispatch.append("ether saddr \(mac) jump out-\(index)")
            dispatch.append("ether daddr \(mac) jump in-\(index)")
            chains.append(try chain("out-\(index)", port.egress, remoteIs: "daddr"))
            chains.append(try chain("in-\(index)", port.ingress, remoteIs: "saddr"))
        }
        var lines = [
            "table inet \(table) {}", "delete table inet \(table)",
            "table bridge \(table) {}", "delete table bridge \(table)",
            "table bridge \(table) {",
            "  chain spoof {",
            "    type filter hook prerouting priority -200; policy accept;",
        ]
        lines += spoof.map { "    " + $0 }
        lines += [
            "  }", "}",
            "table inet \(table) {",
            "  chain zone {",
            "    type filter hook prerouting priority raw; policy accept;",
            "    iifname \"\(bridge)\" ct zone set \(zone(network))",
            "  }",
            "  chain forward {",
            "    type filter hook forward priority filter; policy accept;",
            "    iifname != \"\(bridge)\" accept",
            "    ct state established,related accept",
            "    ct state invalid drop",
        ]
        lines += dispatch.map { "    " + $0 }
        lines.append("  }")
        lines += chains
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The script that removes the network's tables (missing ones are fine).
    public static func removal(_ network: OverlayNetwork) -> String {
        let table = table(network)
        return ["table inet \(table) {}", "delete table inet \(table)", "table bridge \(table) {}", "delete table bridge \(table)"]
            .joined(separator: "\n") + "\n"
    }

    /// A port's chain for one direction: each allowed rule returns (the packet goes on to the
    /// other port's check, then passes); the rest is dropped.
    static func chain(_ name: String, _ rules: [FilterRule], remoteIs field: String) throws -> String {
        var body: [String] = []
        for rule in rules {
            if let match = try match(rule, remoteIs: field) { body.append("    \(match) return") }
        }
        body.append("    drop")
        return (["  chain \(name) {"] + body + ["  }"]).joined(separator: "\n")
    }

    /// The nft match of one rule, or nil when it can match nothing (a remote group without members).
    static func match(_ rule: FilterRule, remoteIs field: String) throws -> String? {
        let v6 = rule.family == .ipv6
        var parts = ["meta nfproto \(v6 ? "ipv6" : "ipv4")"]
        if let remote = rule.remote {
            let prefixes = try Set(remote.map { normalized(try checkedAddress($0, prefix: true)) }.filter { $0.contains(":") == v6 }).sorted()
            if prefixes.isEmpty { return nil }
            if !prefixes.contains(where: { $0.hasSuffix("/0") }) {
                parts.append("\(v6 ? "ip6" : "ip") \(field) { \(prefixes.joined(separator: ", ")) }")
            }
        }
        guard let proto = rule.proto?.lowercased(), !proto.isEmpty, proto != "any" else { return parts.joined(separator: " ") }
        let icmp = ["icmp", "1", "icmpv6", "ipv6-icmp", "58"].contains(proto)
        if icmp {
            let name = v6 ? "icmpv6" : "icmp"
            parts.append("meta l4proto \(name == "icmp" ? "icmp" : "ipv6-icmp")")
            if let type = rule.portMin {
                parts.append("\(name) type \(try checked(type, 0...255))")
                if let code = rule.portMax { parts.append("\(name) code \(try checked(code, 0...255))") }
            }
            return parts.joined(separator: " ")
        }
        let number = try protocolNumber(proto)
        if let name = ported[number], let low = rule.portMin {
            let high = rule.portMax ?? low
            let range = low == high ? "\(try checked(low, 1...65_535))" : "\(try checked(low, 1...65_535))-\(try checked(high, low...65_535))"
            parts.append("\(name) dport \(range)")
        } else {
            parts.append("meta l4proto \(number)")
        }
        return parts.joined(separator: " ")
    }

    /// An IPv4 prefix with its host bits cleared (nft refuses `10.0.0.5/24`); others unchanged.
    static func normalized(_ prefix: String) -> String {
        let parts = prefix.split(separator: "/")
        guard parts.count == 2, !prefix.contains(":"), let length = Int(parts[1]) else { return prefix }
        let value = parts[0].split(separator: ".").reduce(UInt32(0)) { $0 << 8 | UInt32($1)! }
        let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << (32 - UInt32(length))
        let network = value & mask
        return "\(network >> 24).\(network >> 16 & 255).\(network >> 8 & 255).\(network & 255)/\(length)"
    }

    static let ported: [Int: String] = [6: "tcp", 17: "udp", 132: "sctp", 33: "dccp"]
    static let numbers: [String: Int] = ["tcp": 6, "udp": 17, "sctp": 132, "dccp": 33, "gre": 47, "esp": 50, "ah": 51, "igmp": 2,
                                         "ipip": 4, "ospf": 89, "pgm": 113, "rsvp": 46, "udplite": 136, "vrrp": 112, "egp": 8,
                                         "ipv6-encap": 41, "ipv6-route": 43, "ipv6-frag": 44, "ipv6-nonxt": 59, "ipv6-opts": 60]

    static func protocolNumber(_ proto: String) throws -> Int {
        if let number = numbers[proto] { return number }
        guard let number = Int(proto), (0...255).contains(number) else { throw DataPlaneError("unknown protocol \(proto)") }
        return number
    }

    static func checked(_ value: Int, _ range: ClosedRange<Int>) throws -> Int {
        guard range.contains(value) else { throw DataPlaneError("\(value) is outside \(range)") }
        return value
    }

    static func checkedMAC(_ mac: String) throws -> String {
        let parts = mac.lowercased().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }) else {
            throw DataPlaneError("\(mac) is not a MAC address")
        }
        return parts.joined(separator: ":")
    }

    /// An IPv4 or IPv6 address (with a `/len` when `prefix`), checked character by character and
    /// by shape so that nothing but an address reaches the script.
    static func checkedAddress(_ text: String, prefix: Bool) throws -> String {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || (prefix && parts.count == 2), let address = parts.first, !address.isEmpty else {
            throw DataPlaneError("\(text) is not an address")
        }
        let v6 = address.contains(":")
        if v6 {
            guard address.allSatisfy({ $0.isHexDigit || $0 == ":" }), address.count <= 39 else { throw DataPlaneError("\(text) is not an address") }
        } else {
            let octets = address.split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4, octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) && Int($0)! <= 255 }) else {
                throw DataPlaneError("\(text) is not an address")
            }
        }
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...(v6 ? 128 : 32)).contains(length) else { throw DataPlaneError("\(text) is not a prefix") }
        }
        return text.lowercased()
    }
}

import DataPlane
import Foundation
import LUCBase
import Testing

enum FirewallLab {
    static var available: Bool { Shell.available && HostFabric.nftAvailable }
}

/// One simulated host (a namespace) with two "guests" on a tenant network's bridge, their taps
/// named as the drivers name a port's tap: the security groups and anti-spoofing as the kernel
/// enforces them.
@Suite("Host firewall (real nftables)", .serialized, .enabled(if: FirewallLab.available, "needs root, iproute2, nft and ping or busybox"))
struct HostFirewallTests {
    let tag = String(UInt32.random(in: 0x1000...0xffff), radix: 16)
    var host: String { "lw\(tag)h" }
    var guests: [String] { ["lw\(tag)g1", "lw\(tag)g2"] }
    let ips = ["10.232.0.11", "10.232.0.12"]
    let ports = ["1a2b3c4d-0001-4000-8000-000000000001", "1a2b3c4d-0002-4000-8000-000000000002"]
    let network = OverlayNetwork(networkID: "77e1c0de-4750-422c-ad63-3e83fb2b6861", vni: 4343, mtu: 1450)

    func up() async throws {
        try await Shell.run(["ip", "netns", "add", host])
        try await Shell.run(["ip", "-n", host, "addr", "add", "192.168.232.1/24", "dev", "lo"])
        try await Shell.run(["ip", "-n", host, "link", "set", "lo", "up"])
        for i in 0..<2 { try await Shell.guest(guests[i], address: ips[i], tap: PortFilter.tapName(ports[i]), in: host) }
    }

    func down() async {
        for ns in [host] + guests { _ = try? await Shell.run(["ip", "netns", "del", ns]) }
    }

    func mac(_ guest: Int) async throws -> String {
        let text = try await Shell.run(["ip", "-n", guests[guest], "-br", "link", "show", "eth0"]).output
        return try #require(text.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first.map(String.init))
    }

    /// Whether an echo gets through within 3 s (a port just plugged may lose the first ARP).
    func ping(_ from: Int, _ to: Int, source: String? = nil) async throws -> Bool {
        let extra = source.map { ["-I", $0] } ?? []
        for _ in 0..<3 {
            let result = try await Shell.run(["ip", "netns", "exec", guests[from]] + Shell.ping + ["-c", "1", "-W", "1"] + extra + [ips[to]])
            if result.status == 0 { return true }
        }
        return false
    }

    func tables() async throws -> [String] {
        try await HostFabric(namespace: host, underlay: "192.168.232.1").firewallTables()
    }

    @Test func securityGroupsAndAntiSpoofingAreEnforcedStatefully() async throws {
        try await up()
        do { try await scenario() } catch { await down(); throw error }
        await down()
    }

    func scenario() async throws {
        let fabric = HostFabric(namespace: host, underlay: "192.168.232.1")
        try await fabric.ensure(network)
        for i in 0..<2 { try await fabric.attach(PortFilter.tapName(ports[i]), to: network) }
        #expect(try await ping(0, 1), "no filter yet: the bridge forwards")

        let macs = [try await mac(0), try await mac(1)]
        func filters(ingress1: [FilterRule]) -> [PortFilter] {
            [PortFilter(portID: ports[0], mac: macs[0], addresses: [ips[0]], egress: [FilterRule()]),
             PortFilter(portID: ports[1], mac: macs[1], addresses: [ips[1]], ingress: ingress1, egress: [FilterRule()])]
        }
        try await fabric.setFilters(filters(ingress1: []), of: network)
        #expect(try await !ping(0, 1), "ingress is denied unless a rule allows it")
        #expect(try await !ping(1, 0))

        try await fabric.setFilters(filters(ingress1: [FilterRule(proto: "icmp", remote: [ips[0]])]), of: network)
        #expect(try await ping(0, 1), "an ICMP rule from guest 1's address lets its pings in, and the replies out (stateful)")
        #expect(try await !ping(1, 0), "guest 1 itself still lets nothing in")

        _ = try await Shell.run(["ip", "-n", guests[0], "addr", "add", "10.232.0.99/24", "dev", "eth0"])
        try await fabric.setFilters(filters(ingress1: [FilterRule(proto: "icmp")]), of: network)
        #expect(try await ping(0, 1))
        #expect(try await !ping(0, 1, source: "10.232.0.99"), "a source address that is not the port's is dropped")

        var open = filters(ingress1: [])
        open[1].security = false
        try await fabric.setFilters(open, of: network)
        #expect(try await ping(0, 1), "port security off: guest 2 is not filtered")

        // Stating the same filters again (an agent restarted after a crash) replaces, never adds.
        try await fabric.setFilters(filters(ingress1: []), of: network)
        let adopted = HostFabric(namespace: host, underlay: "192.168.232.1")
        try await adopted.setFilters(filters(ingress1: []), of: network)
        let name = FirewallRuleset.table(network)
        #expect(try await tables().sorted() == ["bridge \(name)", "inet \(name)"])
        #expect(try await !ping(0, 1))

        try await adopted.remove(network)
        #expect(try await tables().isEmpty, "removing the network removes its firewall")
    }
}

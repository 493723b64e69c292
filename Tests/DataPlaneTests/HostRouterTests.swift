import DataPlane
import Foundation
import LUCBase
import Testing

/// A router on a simulated host: a guest on a tenant network behind it, and an "outside"
/// namespace on the external network standing for the site's uplink (203.0.113.0/24, a
/// documentation range that never leaves the test's namespaces).
@Suite("Host router (real namespaces and nftables NAT)", .serialized, .enabled(if: FirewallLab.available, "needs root, iproute2, nft and ping or busybox"))
struct HostRouterTests {
    let tag = String(UInt32.random(in: 0x1000...0xffff), radix: 16)
    var host: String { "lr\(tag)h" }
    var guest: String { "lr\(tag)g" }
    var outside: String { "lr\(tag)o" }
    let tenant = OverlayNetwork(networkID: "a1a1a1a1-4750-422c-ad63-3e83fb2b6861", vni: 4501)
    let external = OverlayNetwork(networkID: "e2e2e2e2-4750-422c-ad63-3e83fb2b6861", vni: 4502)
    let routerID = "0f0f0f0f-1111-4222-8333-444455556666"

    func up() async throws {
        try await Shell.run(["ip", "netns", "add", host])
        try await Shell.run(["ip", "-n", host, "addr", "add", "192.168.233.1/24", "dev", "lo"])
        try await Shell.run(["ip", "-n", host, "link", "set", "lo", "up"])
        try await Shell.guest(guest, address: "10.241.0.5", tap: "tg0", in: host)
        try await Shell.run(["ip", "-n", guest, "route", "add", "default", "via", "10.241.0.1"])
        try await Shell.guest(outside, address: "203.0.113.1", tap: "to0", in: host)
        let fabric = HostFabric(namespace: host, underlay: "192.168.233.1")
        try await fabric.ensure(tenant)
        try await fabric.ensure(external)
        try await fabric.attach("tg0", to: tenant)
        try await fabric.attach("to0", to: external)
    }

    func down(_ router: HostRouter) async {
        try? await router.remove(routerID)
        for ns in [host, guest, outside] { _ = try? await Shell.run(["ip", "netns", "del", ns]) }
    }

    func ping(from ns: String, _ address: String) async throws -> Bool {
        for _ in 0..<3 where try await Shell.ping(in: ns, address) { return true }
        return false
    }

    @Test func snatFloatingIPsAndRemoval() async throws {
        let router = HostRouter(hostNamespace: host)
        try await up()
        do { try await scenario(router) } catch { await down(router); throw error }
        await down(router)
    }

    func scenario(_ router: HostRouter) async throws {
        #expect(try await !ping(from: guest, "203.0.113.1"), "no router yet")
        var spec = RouterSpec(routerID: routerID,
                              gateway: .init(networkID: external.networkID, address: "203.0.113.10", prefix: 24),
                              nextHop: "203.0.113.1",
                              interfaces: [.init(networkID: tenant.networkID, address: "10.241.0.1", prefix: 24, mac: "fa:16:3e:0a:0b:0c")])
        try await router.apply(spec)
        let leg = try await Shell.run(["ip", "-n", router.namespace(of: routerID), "link", "show", "qr-a1a1a1a1"]).output
        #expect(leg.contains("fa:16:3e:0a:0b:0c"), "the leg has its port's MAC: \(leg)")
        #expect(try await ping(from: guest, "203.0.113.1"), "SNAT: the outside has no route to the tenant subnet, yet answers")
        #expect(try await !ping(from: outside, "203.0.113.20"), "no floating IP yet")

        spec.floatingIPs = ["203.0.113.20": "10.241.0.5"]
        try await router.apply(spec)
        #expect(try await ping(from: outside, "203.0.113.20"), "DNAT: the floating IP answers from the outside")
        // The guest's own traffic leaves with its floating address.
        try await Shell.run(["ip", "netns", "exec", outside, "nft", "add table ip probe"])
        try await Shell.run(["ip", "netns", "exec", outside, "nft", "add chain ip probe in { type filter hook input priority 0; }"])
        try await Shell.run(["ip", "netns", "exec", outside, "nft", "add rule ip probe in ip saddr 203.0.113.20 counter"])
        #expect(try await ping(from: guest, "203.0.113.1"))
        let counters = try await Shell.run(["ip", "netns", "exec", outside, "nft", "list table ip probe"]).output
        #expect(!counters.contains("packets 0 "), "the outside saw the floating address as source: \(counters)")

        // Stated again (an agent restarted): nothing added.
        try await HostRouter(hostNamespace: host).apply(spec)
        let ns = router.namespace(of: routerID)
        let legs = try await Shell.run(["ip", "-n", ns, "-o", "link", "show"]).output.split(separator: "\n").filter { $0.contains(": qr-") || $0.contains(": qg-") }
        #expect(legs.count == 2, "\(legs)")
        #expect(try await ping(from: outside, "203.0.113.20"))

        spec.floatingIPs = [:]
        try await router.apply(spec)
        #expect(try await !ping(from: outside, "203.0.113.20"), "a disassociated floating IP no longer answers")

        try await router.remove(routerID)
        #expect(try await router.routerNamespaces().isEmpty)
        let left = try await Shell.run(["ip", "-n", host, "-o", "link", "show"]).output
        #expect(!left.contains("rl0f0f0f"), "the legs went with the namespace: \(left)")
    }
}

import DataPlane
import Foundation
import Testing

/// Sites and hosts as namespaces on one machine: routed between sites, cut and healed, and a
/// tenant network's VXLAN over it between hosts of two sites.
@Suite("Underlay of simulated hosts (real kernel networking)", .serialized,
       .enabled(if: Shell.available, "needs root, iproute2 (ip, bridge) and ping or busybox"))
struct UnderlayTests {
    @Test func sitesAreRoutedCutAndHealedAndAVXLANRunsOverThem() async throws {
        let underlay = Underlay(prefix: "lu\(String(UInt32.random(in: 0x100...0xfff), radix: 16))")
        let guests = ["\(underlay.prefix)-g1", "\(underlay.prefix)-g2"]
        do {
            try await check(underlay, guests: guests)
        } catch {
            try? await underlay.removeAll()
            for guest in guests { _ = try? await Shell.run(["ip", "netns", "del", guest]) }
            throw error
        }
        try await underlay.removeAll()
        for guest in guests { try await Shell.run(["ip", "netns", "del", guest]) }
        #expect(try await underlay.leftovers().isEmpty)
    }

    func check(_ underlay: Underlay, guests: [String]) async throws {
        let a1 = try await underlay.addHost(site: 1, host: 1), a2 = try await underlay.addHost(site: 1, host: 2)
        let b1 = try await underlay.addHost(site: 2, host: 1)
        #expect(try await underlay.addHost(site: 1, host: 1) == a1, "idempotent")
        #expect(a1.address == "172.31.1.1" && b1.address == "172.31.2.1")
        #expect(try await Shell.ping(in: a1.namespace, a2.address), "hosts of a site share its underlay")
        #expect(try await Shell.ping(in: a1.namespace, b1.address), "sites are routed to each other")

        // A tenant network between a host of each site.
        let network = OverlayNetwork(networkID: "0c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", vni: 777)
        let fabrics = [HostFabric(namespace: a1.namespace, underlay: a1.address, device: a1.device),
                       HostFabric(namespace: b1.namespace, underlay: b1.address, device: b1.device)]
        for (i, (fabric, host)) in zip(fabrics, [a1, b1]).enumerated() {
            try await Shell.guest(guests[i], address: "10.77.0.\(i + 1)", tap: "tp0", in: host.namespace)
            try await fabric.ensure(network)
            try await fabric.attach("tp0", to: network)
        }
        try await fabrics[0].setPeers([b1.address], of: network)
        try await fabrics[1].setPeers([a1.address], of: network)
        #expect(try await Shell.ping(in: guests[0], "10.77.0.2"), "guests at two sites on one network")

        try await underlay.cut(1, 2)
        try await underlay.cut(1, 2)
        #expect(try await underlay.isCut(2, 1))
        #expect(try await !Shell.ping(in: a1.namespace, b1.address), "the cut drops the sites' traffic")
        #expect(try await !Shell.ping(in: guests[0], "10.77.0.2"), "and the tenant traffic between them")
        #expect(try await Shell.ping(in: a1.namespace, a2.address), "inside a site it goes on")

        try await underlay.heal(1, 2)
        #expect(try await !underlay.isCut(1, 2))
        #expect(try await Shell.ping(in: guests[0], "10.77.0.2"), "back after heal, with nothing changed on the hosts")
    }
}

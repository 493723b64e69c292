import DataPlane
import Foundation
import LUCBase
import Testing

/// Sites and hosts as namespaces on one machine: routed between sites, cut and healed, and a
/// tenant network's VXLAN over it between hosts of two sites.
@Suite("Underlay of simulated hosts (real kernel networking)", .serialized,
       .enabled(if: Shell.available, "needs root, iproute2 (ip, bridge) and ping or busybox"))
struct UnderlayTests {
    @Test func sitesAreRoutedCutAndHealedAndAVXLANRunsOverThem() async throws {
        let underlay = Underlay(prefix: "lu\(String(UInt32.random(in: 0x100...0xfff), radix: 16))")
        let guests = ["\(underlay.prefix)-g1", "\(underlay.prefix)-g2", "\(underlay.prefix)-g3"]
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

        // The site's external network, flat on its uplink LAN: reaches the outside, also while cut.
        let external = OverlayNetwork(networkID: "e0e1e2e3-4a5b-4c6d-8e9f-0a1b2c3d4e5f", vni: 778, mtu: 1500)
        let edge = HostFabric(namespace: a1.namespace, underlay: a1.address, device: a1.device, uplink: a1.uplinkDevice)
        try await Shell.guest(guests[2], address: "198.18.1.50", tap: "tp1", in: a1.namespace)
        try await edge.ensureUplink(external)
        try await edge.ensureUplink(external)
        try await edge.attach("tp1", to: external)
        #expect(try await Shell.ping(in: guests[2], Underlay.uplinkAddress(1)), "the external network is the uplink LAN")
        await #expect(throws: DataPlaneError.self) { try await edge.ensureUplink(OverlayNetwork(networkID: "e9e9e9e9-0000", vni: 779)) }
        #expect(try await edge.uplinkBridge() == external.bridge)
        try await Shell.run(["ip", "-n", a1.namespace, "link", "del", "tp1"])
        try await edge.remove(external)
        #expect(try await edge.uplinkBridge() == nil, "removed: the uplink is off the bridge")
        #expect(try await Shell.run(["ip", "-n", a1.namespace, "link", "show", external.bridge]).status != 0)

        try await underlay.heal(1, 2)
        #expect(try await !underlay.isCut(1, 2))
        #expect(try await Shell.ping(in: guests[0], "10.77.0.2"), "back after heal, with nothing changed on the hosts")
    }
}

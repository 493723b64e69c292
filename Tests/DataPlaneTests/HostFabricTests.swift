import DataPlane
import Foundation
import LUCBase
import Testing

/// Two simulated hosts (network namespaces joined by an underlay veth), each with a "guest"
/// namespace standing in for a VM's tap: real bridges, VXLAN and forwarding entries.
@Suite("Host fabric (real kernel networking)", .serialized, .enabled(if: Shell.available, "needs root, iproute2 (ip, bridge) and ping or busybox"))
struct HostFabricTests {
    /// Everything a test made: namespaces (their devices go with them).
    final class Lab: Sendable {
        let tag = String(UInt32.random(in: 0x1000...0xffff), radix: 16)
        var hosts: [String] { ["lf\(tag)h1", "lf\(tag)h2"] }
        var guests: [String] { ["lf\(tag)g1", "lf\(tag)g2"] }
        let underlay = ["192.168.231.1", "192.168.231.2"]
        let guestIPs = ["10.231.0.11", "10.231.0.12"]

        func sh(_ arguments: [String]) async throws -> HostCommand.Result { try await Shell.run(arguments) }

        func up() async throws {
            for ns in hosts { _ = try await sh(["ip", "netns", "add", ns]) }
            _ = try await sh(["ip", "-n", hosts[0], "link", "add", "u0", "type", "veth", "peer", "name", "u0", "netns", hosts[1]])
            for (i, host) in hosts.enumerated() {
                _ = try await sh(["ip", "-n", host, "addr", "add", underlay[i] + "/24", "dev", "u0"])
                _ = try await sh(["ip", "-n", host, "link", "set", "u0", "up"])
                _ = try await sh(["ip", "-n", host, "link", "set", "lo", "up"])
                try await Shell.guest(guests[i], address: guestIPs[i], tap: "tp0", in: host)
            }
        }

        func down() async {
            for ns in hosts + guests { _ = try? await sh(["ip", "netns", "del", ns]) }
        }

        func ping(from guest: Int, to other: Int) async throws -> Bool {
            _ = try await sh(["ip", "-n", guests[guest], "neigh", "flush", "all"])
            return try await Shell.ping(in: guests[guest], guestIPs[other])
        }

        func mac(of guest: String) async throws -> String {
            try #require(try await sh(["ip", "-n", guest, "-br", "link", "show", "eth0"]).output
                .split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first.map(String.init))
        }

        /// The VXLAN device's neighbour entries on `host`, as "address mac".
        func neighbours(_ host: Int, _ network: OverlayNetwork) async throws -> [String] {
            try await sh(["ip", "-n", hosts[host], "neigh", "show", "dev", network.vxlan]).output.split(separator: "\n")
                .map { $0.split(separator: " ") }.filter { $0.count >= 3 }.map { "\($0[0]) \($0[2])" }
        }

        func floodEntries(_ host: Int, _ network: OverlayNetwork) async throws -> [String] {
            try await sh(["bridge", "-n", hosts[host], "fdb", "show", "dev", network.vxlan]).output
                .split(separator: "\n").filter { $0.hasPrefix("00:00:00:00:00:00") }.map(String.init)
        }
    }

    @Test func guestsOnTwoHostsTalkOnlyThroughTheFloodListTheyAreGiven() async throws {
        try await Self.withLab { lab in try await Self.flood(lab) }
    }

    @Test func hostsAnswerARPFromTheirNeighbourTableAndFloodNone() async throws {
        try await Self.withLab { lab in
            var network = OverlayNetwork(networkID: "6a4c8a79-4750-422c-ad63-3e83fb2b6862", vni: 4243, mtu: 1450, answersARP: true)
            let fabrics = (0..<2).map { HostFabric(namespace: lab.hosts[$0], underlay: lab.underlay[$0], device: "u0") }
            var macs: [String] = []
            for guest in lab.guests { macs.append(try await lab.mac(of: guest)) }
            for (i, fabric) in fabrics.enumerated() {
                try await fabric.ensure(network)
                try await fabric.attach("tp0", to: network)
                try await fabric.setPeers([lab.underlay[1 - i]], of: network)
                try await fabric.setRemoteMACs([macs[1 - i]: lab.underlay[1 - i]], of: network)
                try await fabric.setNeighbours([lab.guestIPs[1 - i]: macs[1 - i]], of: network)
                try await fabric.setNeighbours([lab.guestIPs[1 - i]: macs[1 - i]], of: network)  // idempotent
            }
            #expect(try await lab.neighbours(0, network) == ["\(lab.guestIPs[1]) \(macs[1])"])
            #expect(try await lab.ping(from: 0, to: 1), "the ARP request is answered on host 1's side from its table")

            try await fabrics[0].setNeighbours([:], of: network)
            #expect(try await lab.neighbours(0, network).isEmpty)
            #expect(try await !lab.ping(from: 0, to: 1), "an address not in the table: the ARP request is dropped, not flooded")

            // Back to flooding: the VXLAN device is made again without the responder, entries restored.
            network.answersARP = false
            for (i, fabric) in fabrics.enumerated() {
                try await fabric.ensure(network)
                try await fabric.setPeers([lab.underlay[1 - i]], of: network)
                try await fabric.setRemoteMACs([macs[1 - i]: lab.underlay[1 - i]], of: network)
                try await fabric.setNeighbours([:], of: network)
            }
            #expect(try await lab.floodEntries(0, network).count == 1)
            #expect(try await lab.ping(from: 0, to: 1), "flooded ARP reaches guest 2 again")
        }
    }

    /// Runs `body` on a fresh lab and removes the lab afterwards, also when `body` fails.
    static func withLab(_ body: (Lab) async throws -> Void) async throws {
        let lab = Lab()
        do {
            try await lab.up()
            try await body(lab)
        } catch {
            await lab.down()
            throw error
        }
        await lab.down()
    }

    static func flood(_ lab: Lab) async throws {
        let network = OverlayNetwork(networkID: "5f3b7968-4750-422c-ad63-3e83fb2b6861", vni: 4242, mtu: 1450)
        let fabrics = (0..<2).map { HostFabric(namespace: lab.hosts[$0], underlay: lab.underlay[$0], device: "u0") }
        for (i, fabric) in fabrics.enumerated() {
            try await fabric.ensure(network)
            try await fabric.ensure(network)  // idempotent
            try await fabric.attach("tp0", to: network)
            try await fabric.setPeers([lab.underlay[1 - i]], of: network)
        }
        #expect(try await lab.ping(from: 0, to: 1), "guest 1 reaches guest 2 across the VXLAN")

        try await fabrics[0].setPeers([], of: network)
        try await fabrics[1].setPeers([], of: network)
        #expect(try await !lab.ping(from: 0, to: 1), "no flood entry, no learning: the hosts do not reach each other")

        try await fabrics[0].setPeers([lab.underlay[1]], of: network)
        try await fabrics[1].setPeers([lab.underlay[0]], of: network)
        // Known MACs go straight to their host (the guest's MAC as the control plane knows it).
        let mac = try #require(try await lab.sh(["ip", "-n", lab.guests[1], "-br", "link", "show", "eth0"]).output
            .split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first.map(String.init))
        try await fabrics[0].setRemoteMACs([mac: lab.underlay[1]], of: network)
        try await fabrics[0].setRemoteMACs([mac: lab.underlay[1]], of: network)
        #expect(try await lab.ping(from: 0, to: 1), "connectivity comes back with the flood list")

        // A restarted agent adopts: a new fabric finds the network and adds no duplicate entry.
        let adopted = HostFabric(namespace: lab.hosts[0], underlay: lab.underlay[0], device: "u0")
        #expect(try await adopted.networks().map(\.vni) == [4242])
        #expect(try await adopted.networks().first?.bridge == network.bridge)
        try await adopted.ensure(network)
        try await adopted.setPeers([lab.underlay[1]], of: network)
        #expect(try await lab.floodEntries(0, network).count == 1)
        #expect(try await lab.ping(from: 0, to: 1))

        // Removal leaves the bridge while a port is on it, and nothing once the port is gone.
        try await adopted.remove(network)
        #expect(try await adopted.networks().isEmpty)
        _ = try await lab.sh(["ip", "-n", lab.hosts[0], "link", "del", "tp0"])
        try await adopted.remove(network)
        let left = try await lab.sh(["ip", "-n", lab.hosts[0], "-br", "link", "show"]).output
        #expect(!left.contains(network.bridge) && !left.contains(network.vxlan), "left behind: \(left)")
    }
}

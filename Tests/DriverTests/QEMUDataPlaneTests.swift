import DataPlane
import Foundation
import HypervisorDriver
import LUCBase
import QEMUDriver
import Testing
import TestSupport

extension QEMUDriverTests {
    /// Two real guests on hosts of two sites (network namespaces of an `Underlay`), their taps on
    /// one tenant network carried by each host's `HostFabric`: the first guest's user data pings
    /// the second across the VXLAN and prints the result on its console.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.fileExists(atPath: "/dev/net/tun"), "needs root and /dev/net/tun"))
    func guestsOnHostsOfTwoSitesPingAcrossTheirNetwork() async throws {
        let underlay = Underlay(prefix: "lq\(String(UInt32.random(in: 0x100...0xfff), radix: 16))")
        var beds: [QEMUTestbed] = []
        do {
            let network = OverlayNetwork(networkID: "beef0900-net", vni: 900, mtu: 1450)
            let hosts = [try await underlay.addHost(site: 1, host: 1), try await underlay.addHost(site: 2, host: 1)]
            for (i, host) in hosts.enumerated() {
                var configuration = QEMUTestbed.configuration(root: QEMUTestbed.newRoot())
                configuration.networkNamespace = host.namespace
                beds.append(try QEMUTestbed(configuration: configuration))
                let fabric = HostFabric(namespace: host.namespace, underlay: host.address, device: host.device)
                try await fabric.ensure(network)
                try await fabric.setPeers([hosts[1 - i].address], of: network)
            }
            func spec(_ id: String, _ address: String, mac: String, userData: String? = nil) -> MachineSpec {
                var spec = DriverConformance.spec(id)
                spec.ports = [MachinePort(id: "f00d0900-\(id)", networkID: network.networkID, mac: mac, address: address + "/24", mtu: 1450)]
                spec.userData = userData.map { Data($0.utf8).base64EncodedString() }
                return spec
            }
            _ = try await beds[1].driver.spawn(spec("b9", "10.90.0.12", mac: "fa:16:3e:09:00:12"))
            let pinger = "#!/bin/sh\nfor i in 1 2 3 4 5 6 7 8 9 10; do if ping -c 1 -W 2 10.90.0.12 >/dev/null 2>&1; then echo ping-ok-$i; exit 0; fi; done; echo ping-failed\n"
            _ = try await beds[0].driver.spawn(spec("a9", "10.90.0.11", mac: "fa:16:3e:09:00:11", userData: pinger))
            let tap = try await HostCommand.run("ip", ["-n", hosts[0].namespace, "-br", "link", "show", "master", network.bridge]).output
            #expect(tap.contains("ltf00d0900a9"), "the tap is on the network's bridge in the host's namespace: \(tap)")
            #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/ltf00d0900a9"), "and not in the machine's own namespace")
            var console = ""
            for _ in 0..<60 {
                console = try await beds[0].driver.consoleOutput("a9", maxLines: nil)
                if console.contains("ping-ok") || console.contains("ping-failed") { break }
                try await Task.sleep(for: .seconds(1))
            }
            #expect(console.contains("ping-ok"), "console of a9: \(console.suffix(1500))")
            for (bed, id) in zip(beds, ["a9", "b9"]) { try await bed.driver.destroy(id) }
            let left = try await HostCommand.run("ip", ["-n", hosts[0].namespace, "-br", "link", "show"]).output
            #expect(!left.contains("ltf00d0900a9"), "the tap goes with its machine: \(left)")
        } catch {
            for bed in beds { bed.tearDown() }
            try? await underlay.removeAll()
            throw error
        }
        for bed in beds { bed.tearDown() }
        try await underlay.removeAll()
    }
}

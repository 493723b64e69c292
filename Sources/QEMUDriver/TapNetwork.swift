import DataPlane
import Foundation
import LUCBase
import HypervisorDriver

/// Host side of machine ports: a tap device per port, attached to a Linux bridge per network
/// (`OverlayNetwork.bridge`), where the host's `HostFabric` puts the network's VXLAN device.
enum TapNetwork {
    static func tapName(_ port: MachinePort) -> String { "lt" + String(port.id.filter { $0 != "-" }.prefix(12)) }
    static func bridgeName(_ networkID: String) -> String { OverlayNetwork.bridgeName(networkID) }

    /// Creates the port's tap on its network's bridge (creating the bridge if needed), in
    /// `namespace` (nil: the agent's own).
    static func plug(_ port: MachinePort, in namespace: String?) async throws -> String {
        let tap = tapName(port), bridge = bridgeName(port.networkID)
        if try await !exists(bridge, in: namespace) {
            let made = try await ip(["link", "add", bridge, "type", "bridge"], in: namespace, check: false)
            if made.status != 0, try await !exists(bridge, in: namespace) {
                throw QEMUError("cannot create bridge \(bridge): \(made.output)")
            }
            try await ip(["link", "set", bridge, "up"], in: namespace)
        }
        if try await !exists(tap, in: namespace) {
            try await ip(["tuntap", "add", "dev", tap, "mode", "tap"], in: namespace)
        }
        var attach = ["link", "set", tap, "master", bridge]
        if let mtu = port.mtu { attach += ["mtu", String(mtu)] }
        try await ip(attach + ["up"], in: namespace)
        return tap
    }

    /// Removes a tap, and its bridge once no port is left on it. Missing devices are fine.
    static func unplug(_ tap: String, in namespace: String?) async {
        guard let link = try? await links(["dev", tap], in: namespace).first else { return }
        _ = try? await ip(["link", "del", tap], in: namespace, check: false)
        if let master = link["master"] as? String, master.hasPrefix("lb"),
           (try? await links(["master", master], in: namespace).isEmpty) == true {
            _ = try? await ip(["link", "del", master], in: namespace, check: false)
        }
    }

    static func exists(_ device: String, in namespace: String?) async throws -> Bool {
        try await ip(["link", "show", "dev", device], in: namespace, check: false).status == 0
    }

    static func links(_ filter: [String], in namespace: String?) async throws -> [[String: Any]] {
        let result = try await ip(["-j", "link", "show"] + filter, in: namespace, check: false)
        guard result.status == 0 else { return [] }
        return (try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]]) ?? []
    }

    @discardableResult
    static func ip(_ arguments: [String], in namespace: String?, check: Bool = true) async throws -> HostCommand.Result {
        try await HostCommand.run("ip", (namespace.map { ["-n", $0] } ?? []) + arguments, check: check)
    }
}

import DataPlane
import Foundation
import LUCBase
import HypervisorDriver

/// Host side of machine ports: a tap device per port, attached to a Linux bridge per network
/// (`OverlayNetwork.bridge`), where the host's `HostFabric` puts the network's VXLAN device.
enum TapNetwork {
    static func tapName(_ port: MachinePort) -> String { "lt" + String(port.id.filter { $0 != "-" }.prefix(12)) }
    static func bridgeName(_ networkID: String) -> String { OverlayNetwork.bridgeName(networkID) }

    /// Creates the port's tap on its network's bridge (creating the bridge if needed).
    static func plug(_ port: MachinePort) async throws -> String {
        let tap = tapName(port), bridge = bridgeName(port.networkID)
        if !FileManager.default.fileExists(atPath: "/sys/class/net/\(bridge)") {
            let made = try await HostCommand.run("ip", ["link", "add", bridge, "type", "bridge"], check: false)
            if made.status != 0, !FileManager.default.fileExists(atPath: "/sys/class/net/\(bridge)") {
                throw QEMUError("cannot create bridge \(bridge): \(made.output)")
            }
            try await HostCommand.run("ip", ["link", "set", bridge, "up"])
        }
        if !FileManager.default.fileExists(atPath: "/sys/class/net/\(tap)") {
            try await HostCommand.run("ip", ["tuntap", "add", "dev", tap, "mode", "tap"])
        }
        try await HostCommand.run("ip", ["link", "set", tap, "master", bridge, "up"])
        return tap
    }

    /// Removes a tap, and its bridge once no tap is left on it. Missing devices are fine.
    static func unplug(_ tap: String) async {
        let master = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/sys/class/net/\(tap)/master"))
            .map { URL(fileURLWithPath: $0).lastPathComponent }
        if FileManager.default.fileExists(atPath: "/sys/class/net/\(tap)") {
            _ = try? await HostCommand.run("ip", ["link", "del", tap], check: false)
        }
        if let master, master.hasPrefix("lb"),
           ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net/\(master)/brif")) ?? []).isEmpty {
            _ = try? await HostCommand.run("ip", ["link", "del", master], check: false)
        }
    }
}

import Foundation
import QEMUDriver

/// Which hypervisor the hosts of a demo cloud run, and what follows from it: agent options,
/// the image the demo uploads.
enum DemoDriver: Sendable {
    /// Simulated machines (the fake driver).
    case fake
    /// Real VMs under QEMU, booting LUC's guest image from `guestDirectory`
    /// (built by scripts/build-guest-image.sh).
    case qemu(guestDirectory: URL)

    static let defaultGuestDirectory = ".build/guest"

    /// The driver named on the command line.
    static func named(_ name: String, guestDirectory: String) throws -> DemoDriver {
        switch name {
        case "fake": return .fake
        case "qemu":
            let dir = URL(fileURLWithPath: guestDirectory).standardizedFileURL
            guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("luc-guest.raw").path) else {
                throw CommandError("no guest image in \(dir.path): run scripts/build-guest-image.sh \(guestDirectory)")
            }
            return .qemu(guestDirectory: dir)
        default: throw CommandError("unknown driver '\(name)' (available: fake, qemu)")
        }
    }

    var isQEMU: Bool {
        if case .qemu = self { return true }
        return false
    }

    var imageName: String {
        switch self {
        case .fake: "cirros-tiny"
        case .qemu: "luc-guest"
        }
    }

    var hostKind: String {
        switch self {
        case .fake: "simulated hosts"
        case .qemu: "QEMU hosts"
        }
    }

    /// What stopping the demo means for its machines, for the banner.
    var stopNote: String {
        switch self {
        case .fake: ""
        case .qemu: "\nThe VMs keep running after Ctrl-C and are adopted by the next `luc demo`; `--fresh` kills them."
        }
    }

    /// Options of `luc compute` for one site's agent; `hosts` is the number of hosts in the
    /// whole demo (they share this machine's memory).
    func agentArguments(hosts: Int) -> [String] {
        switch self {
        case .fake: return []
        case let .qemu(guest):
            let totalMB = HostMemory.totalMB() ?? 4096
            let share = max(256, totalMB * 85 / 100 / max(1, hosts))
            return ["--driver", "qemu", "--guest-dir", guest.path, "--vcpus", "16", "--ram-mb", String(share), "--disk-gb", "200"]
        }
    }

    /// The bytes of the demo's public image.
    func imageBytes() throws -> [UInt8] {
        switch self {
        case .fake:
            var bytes = [UInt8](repeating: 0, count: 64 * 1024)
            for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 13) }
            return bytes
        case let .qemu(guest):
            return [UInt8](try Data(contentsOf: guest.appendingPathComponent("luc-guest.raw")))
        }
    }
}

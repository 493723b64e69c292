import Foundation
import HypervisorDriver

/// What the driver keeps about one machine in `machine.json`, so that a restarted agent finds
/// it again (recover-by-handle: the directory is the handle, the pid file and QMP socket in it
/// reach the running QEMU).
struct MachineRecord: Codable, Sendable {
    /// The power state the machine should be in when its QEMU is not running.
    enum Intent: String, Codable, Sendable {
        /// QEMU should be running.
        case on
        /// QEMU should be running with the vCPUs stopped.
        case paused
        /// Powered off by request.
        case off
        /// Memory saved to `memory.state`, QEMU stopped.
        case suspended
    }

    /// The machine as it was asked for: the driver's own stored copy of the `MachineSpec` (same
    /// keys as the records written before it had a type of its own).
    struct Spec: Codable, Sendable {
        var serverID: String
        var name: String
        var vcpus: Int
        var ramMB: Int
        var diskGB: Int
        var imageID: String
        var userData: String?
        var publicKey: String?
        var ports: [MachinePort]?
        var keyName: String?
        var hostname: String?
        var zone: String?
        /// The volume the machine boots from, if it boots from one.
        var rootDisk: MachineDisk?

        init(_ spec: MachineSpec) {
            serverID = spec.serverID; name = spec.name; vcpus = spec.vcpus; ramMB = spec.ramMB; diskGB = spec.diskGB
            imageID = spec.imageID; userData = spec.userData; publicKey = spec.publicKey; ports = spec.ports
            keyName = spec.keyName; hostname = spec.hostname; zone = spec.zone; rootDisk = spec.rootDisk
        }

        var model: MachineSpec {
            var spec = MachineSpec(serverID: serverID, name: name, vcpus: vcpus, ramMB: ramMB, diskGB: diskGB, imageID: imageID,
                                   userData: userData, publicKey: publicKey, ports: ports ?? [])
            spec.keyName = keyName
            spec.hostname = hostname
            spec.zone = zone
            spec.rootDisk = rootDisk
            return spec
        }
    }

    static let version = 1
    var version = MachineRecord.version
    var spec: Spec
    var intent: Intent
    var accelerator: QEMUConfiguration.Accelerator
    /// Kernel, initramfs and command line for direct kernel boot; nil boots the disk through the BIOS.
    var kernel: String?
    var initrd: String?
    var kernelArguments: String
    /// Tap device names, one per port.
    var taps: [String]
    /// The NIC root port (1…`QEMUCommandLine.nicSlots`) of each port, in port order; nil in
    /// records written before NICs were hot-pluggable: port i on slot i + 1.
    var nicSlots: [Int]?

    /// The root port of each of the spec's ports.
    var portSlots: [Int] { nicSlots ?? Array((spec.ports ?? []).indices.map { $0 + 1 }) }
    /// Hot-plugged disks, re-attached at every launch.
    var disks: [AttachedDisk]
    var createdAt: Date
}

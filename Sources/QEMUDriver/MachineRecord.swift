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

    static let version = 1
    var version = MachineRecord.version
    var spec: MachineSpec
    var intent: Intent
    var accelerator: QEMUConfiguration.Accelerator
    /// Kernel, initramfs and command line for direct kernel boot; nil boots the disk through the BIOS.
    var kernel: String?
    var initrd: String?
    var kernelArguments: String
    /// Tap device names, one per port.
    var taps: [String]
    /// Hot-plugged disks, re-attached at every launch.
    var disks: [AttachedDisk]
    var createdAt: Date
}

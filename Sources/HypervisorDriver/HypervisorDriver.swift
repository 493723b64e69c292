/// A hypervisor on one host: creates, drives and removes virtual machines. Every driver passes
/// `DriverConformance`.
///
/// Operations on a machine are idempotent where that makes sense: stopping a stopped machine,
/// destroying a missing one, spawning one that already exists with the same ID all succeed.
public protocol HypervisorDriver: Sendable {
    var capabilities: DriverCapabilities { get }

    /// Creates and starts the machine; returns once it is running (for real VMs: once the guest
    /// says it is ready). If the machine exists already it is left as it is and reported.
    /// - Throws: `DriverError.spawnFailed`; then nothing of the machine is left on the host.
    func spawn(_ spec: MachineSpec) async throws -> MachineInfo

    /// Removes the machine and everything it used. Succeeds when there is no such machine.
    func destroy(_ serverID: String) async throws

    /// Stops (powers off) the machine, gracefully first, forcibly after `grace`. Succeeds when already off.
    func stop(_ serverID: String, grace: Duration) async throws -> MachineInfo

    /// Starts (powers on) a stopped machine. Succeeds when already running.
    func start(_ serverID: String) async throws -> MachineInfo

    /// Restarts the machine: a soft reboot asks the guest, a hard one resets it.
    func reboot(_ serverID: String, hard: Bool) async throws -> MachineInfo

    /// Freezes the vCPUs, keeping memory in place.
    func pause(_ serverID: String) async throws -> MachineInfo
    func unpause(_ serverID: String) async throws -> MachineInfo

    /// Saves the machine's memory to disk and stops it; `resume` brings it back. Stronger than pause.
    func suspend(_ serverID: String) async throws -> MachineInfo
    func resume(_ serverID: String) async throws -> MachineInfo

    /// Sends the guest a non-maskable interrupt (its kernel then dumps and reboots, if set up to).
    /// - Throws: `notFound` without such a machine; `invalidState` when it is not running.
    func injectNMI(_ serverID: String) async throws -> MachineInfo

    /// Hot-plugs `disk` into the machine (a running guest sees it arrive; a stopped machine gets
    /// it at its next boot); it stays attached across power cycles until detached. Idempotent
    /// per disk ID: attaching an attached disk reports the machine as it is.
    /// - Throws: `notFound` without such a machine; `invalidState` when it has no free slot.
    func attachDisk(_ serverID: String, disk: MachineDisk) async throws -> MachineInfo

    /// Unplugs the disk (a running guest releases it first). Succeeds when it is not attached.
    /// - Throws: `notFound` without such a machine.
    func detachDisk(_ serverID: String, diskID: String) async throws -> MachineInfo

    /// Hot-plugs a network interface on `port` (a running guest sees it arrive; a stopped
    /// machine gets it at its next boot), after the machine's others. Idempotent per port ID.
    /// - Throws: `notFound` without such a machine; `invalidState` when it has no free slot.
    func attachPort(_ serverID: String, port: MachinePort) async throws -> MachineInfo

    /// Unplugs the port's interface (a running guest releases it first) and removes its host
    /// side. Succeeds when the machine has no such port.
    /// - Throws: `notFound` without such a machine.
    func detachPort(_ serverID: String, portID: String) async throws -> MachineInfo

    /// The last `maxLines` lines of the serial console (all when nil).
    func consoleOutput(_ serverID: String, maxLines: Int?) async throws -> String

    /// The machine's state, or nil when the host has no such machine.
    func inspect(_ serverID: String) async throws -> MachineInfo?

    /// Every machine on the host, including ones found again after an agent restart.
    func list() async throws -> [MachineInfo]
}

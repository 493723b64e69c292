public import Foundation

/// What happened to a server while a task drives it, or what a reconcile found: the events the
/// lifecycle turns into a `ServerTransition`.
public enum TaskEvent: Sendable, Hashable {
    /// Another controller takes the task over (its owner's lease is gone, or it is overdue).
    case adopted(owner: String, deadline: Date)
    /// The scheduler claimed a host for the boot; spawning there must be done by `deadline`.
    case placed(hostID: ComputeHost.ID, hostName: String, deadline: Date)
    /// No host can take the server (the scheduler's explanation).
    case noValidHost(reason: String)
    /// Spawning on the server's host failed (or the host is gone): try another host, at most
    /// `maxAttempts` in all.
    case spawnFailed(String, maxAttempts: Int)
    /// The boot cannot succeed on any host (its root volume cannot be made or attached): ERROR
    /// at once, the host's claim released.
    case buildAborted(String)
    /// The task's work is done; the hypervisor reports `power` (nothing after a deletion).
    case completed(power: PowerState)
    /// The task's power operation failed: the server stays in its stable state.
    case operationFailed(String)
    /// The reconcile found no machine for the idle server on its host.
    case machineVanished(host: String)
    /// The reconcile found the idle server's machine in `power`, changed behind our back.
    case machineFound(power: PowerState)
}

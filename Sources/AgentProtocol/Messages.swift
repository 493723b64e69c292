public import Foundation
public import HypervisorDriver

/// Messages between controllers and compute agents (HTTP + JSON, version 1, authenticated by
/// the cluster secret in `AgentProtocol.secretHeader`).
///
/// Paths, controller side (agents call them):
/// - `POST /internal/v1/sites/{site}/hosts` `HostRegistration` → `HostRegistered`
/// - `PUT  /internal/v1/sites/{site}/hosts/{host}/heartbeat` `Heartbeat` → 204
/// - `POST /internal/v1/sites/{site}/hosts/{host}/reconcile` `ReconcileReport` → `ReconcileOrders`
///
/// Paths, agent side (controllers call them):
/// - `POST   /agent/v1/hosts/{host}/machines` `SpawnRequest` → `MachineInfo`
/// - `POST   /agent/v1/hosts/{host}/machines/{id}/{operation}` → `MachineInfo` (operations: `MachineOperation`)
/// - `POST   /agent/v1/hosts/{host}/machines/{id}/disks` `AttachDiskRequest` → `MachineInfo`
/// - `DELETE /agent/v1/hosts/{host}/machines/{id}/disks/{volume}` → `MachineInfo`
/// - `POST   /agent/v1/hosts/{host}/machines/{id}/ports` `AttachPortRequest` → `MachineInfo`
/// - `DELETE /agent/v1/hosts/{host}/machines/{id}/ports/{port}` → `MachineInfo`
/// - `DELETE /agent/v1/hosts/{host}/machines/{id}` → 204
/// - `GET    /agent/v1/hosts/{host}/machines/{id}` → `MachineInfo` or 404
/// - `GET    /agent/v1/hosts/{host}/machines/{id}/console?lines=N` → text
///
/// Driver errors become statuses by `AgentStatus`, the one table.
public enum AgentProtocol {
    public static let version = 1
    /// Header carrying the cluster secret on every internal request.
    public static let secretHeader = "X-LUC-Cluster-Secret"
    /// Carries the SHA-512 (hex) of image bytes served to hosts and peer controllers.
    public static let imageDigestHeader = "X-LUC-Image-SHA512"
}

/// What an agent says of a host when it starts.
public struct HostRegistration: Sendable, Hashable, Codable {
    public var name: String
    public var vcpus: Int
    public var ramMB: Int
    public var diskGB: Int
    public var hypervisorType: String
    public var hostIP: String
    /// Base URL controllers use to reach this agent.
    public var agentURL: String
    /// Whether the host has a data plane (carries tenant networks, runs routers); nil: no.
    public var dataPlane: Bool?

    public init(name: String, vcpus: Int, ramMB: Int, diskGB: Int, hypervisorType: String, hostIP: String,
                agentURL: String, dataPlane: Bool? = nil) {
        self.dataPlane = dataPlane
        self.name = name
        self.vcpus = vcpus
        self.ramMB = ramMB
        self.diskGB = diskGB
        self.hypervisorType = hypervisorType
        self.hostIP = hostIP
        self.agentURL = agentURL
    }
}

/// The controller's answer to a registration: the host's stable ID.
public struct HostRegistered: Sendable, Hashable, Codable {
    public var hostID: String
    public var heartbeatSeconds: Int

    public init(hostID: String, heartbeatSeconds: Int) {
        self.hostID = hostID
        self.heartbeatSeconds = heartbeatSeconds
    }
}

/// Periodic proof of life of a host's agent.
public struct Heartbeat: Sendable, Hashable, Codable {
    public var machines: Int

    public init(machines: Int) { self.machines = machines }
}

/// The machines an agent finds on its host, and when it listed them.
public struct ReconcileReport: Sendable, Hashable, Codable {
    public var machines: [MachineInfo]
    /// When the list was taken (agent clock). Servers that changed after it are not judged.
    public var takenAt: Date

    public init(machines: [MachineInfo], takenAt: Date) {
        self.machines = machines
        self.takenAt = takenAt
    }
}

/// What the controllers want done after a reconcile report.
public struct ReconcileOrders: Sendable, Hashable, Codable {
    /// Machines no server owns: destroy them.
    public var destroy: [String]

    public init(destroy: [String]) { self.destroy = destroy }
}

/// Operations on an existing machine, as path components.
public enum MachineOperation: String, Sendable, Hashable, Codable, CaseIterable {
    case stop, start, pause, unpause, suspend, resume, reboot
    case rebootHard = "reboot-hard"
    /// A non-maskable interrupt for the guest (Nova's trigger_crash_dump).
    case nmi
}

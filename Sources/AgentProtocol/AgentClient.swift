public import HypervisorDriver

/// How the control plane reaches compute agents (the HTTP implementation lives in `AgentHTTP`;
/// tests may call agents in process). Failures are `AgentCallError`s.
public protocol AgentClient: Sendable {
    func spawn(_ request: SpawnRequest, host: String, at agentURL: String) async throws -> MachineInfo
    func perform(_ operation: MachineOperation, machine: String, host: String, at agentURL: String) async throws
        -> MachineInfo
    func destroy(machine: String, host: String, at agentURL: String) async throws
    func inspect(machine: String, host: String, at agentURL: String) async throws -> MachineInfo?
    func console(machine: String, lines: Int?, host: String, at agentURL: String) async throws -> String
    func attach(_ disk: SpawnRequest.Disk, machine: String, host: String, at agentURL: String) async throws -> MachineInfo
    func detach(volume volumeID: String, machine: String, host: String, at agentURL: String) async throws -> MachineInfo
    func attach(_ nic: SpawnRequest.NIC, machine: String, host: String, at agentURL: String) async throws -> MachineInfo
    func detach(port portID: String, machine: String, host: String, at agentURL: String) async throws -> MachineInfo
    /// Makes `host` carry `network` as `wiring` says; false when the host has no data plane
    /// (its agent was started without one: its machines get taps but no wiring).
    func wire(_ wiring: NetworkWiring, network: String, host: String, at agentURL: String) async throws -> Bool
    /// Removes `network` from `host` (nothing to do is fine).
    func unwire(network: String, host: String, at agentURL: String) async throws
    /// The networks `host` carries, each named by the first 12 hex digits of its ID (its bridge is
    /// named after them; `unwire(network:)` accepts them). Empty without a data plane.
    func networks(host: String, at agentURL: String) async throws -> [String]
    /// Makes `host` run `router` as `wiring` says; false when the host has no data plane.
    func wire(_ wiring: RouterWiring, router: String, host: String, at agentURL: String) async throws -> Bool
    /// Removes `router` from `host` (nothing to do is fine); its ID's first 12 hex digits suffice.
    func unwire(router: String, host: String, at agentURL: String) async throws
    /// The routers `host` runs, each named by the first 12 hex digits of its ID (empty without a data plane).
    func routers(host: String, at agentURL: String) async throws -> [String]
}

/// How a compute agent reaches the controllers of its site.
public protocol ControllerClient: Sendable {
    func register(_ registration: HostRegistration, site: String) async throws -> HostRegistered
    func heartbeat(_ beat: Heartbeat, host: String, site: String) async throws
    func reconcile(_ report: ReconcileReport, host: String, site: String) async throws -> ReconcileOrders
}

/// Why an agent call failed, as seen by the caller.
public struct AgentCallError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The agent answered that the driver failed; `message` is the driver's.
        case driver
        /// The agent could not be reached or timed out.
        case unreachable
        /// The agent has no such machine.
        case notFound
    }

    public var kind: Kind
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

public import AgentProtocol
public import CloudModel
import Foundation
import HypervisorDriver
public import Logging
public import StateStore

/// What controllers do for compute agents: registration, heartbeats (liveness leases), and the
/// reconciliation of what a host runs with what the store says it should run.
public struct HostRegistry: Sendable {
    let store: Store
    let sites: SiteDirectory
    let configuration: ControllerConfiguration
    let logger: Logger
    let clock: any WallClock

    public init(store: Store, sites: SiteDirectory, configuration: ControllerConfiguration, clock: any WallClock = SystemClock(),
                logger: Logger) {
        self.clock = clock
        self.store = store
        self.sites = sites
        self.configuration = configuration
        self.logger = logger
    }

    /// Registers a host (or updates it, keeping its ID and claims) and opens its lease.
    /// How far apart agent and controller clocks may be.
    static let clockSkewAllowance: TimeInterval = 5

    public func register(_ registration: HostRegistration, site siteID: Site.ID) async throws -> HostRegistered {
        guard let site = await sites.site(siteID) else { throw ControlPlaneError.notFound("No site \(siteID).") }
        guard !registration.name.isEmpty, registration.vcpus > 0, registration.ramMB > 0, registration.diskGB >= 0 else {
            throw ControlPlaneError.badRequest("A host needs a name and positive vcpus and memory.")
        }
        let hosts = store.hosts(site.id)
        let host: ComputeHost = try await retryOnConflict {
            let existing = try await hosts.all().first { $0.value.name == registration.name }
            var host: ComputeHost
            if let existing {
                host = existing.value
            } else {
                host = ComputeHost(
                    id: ResourceID.make(siteIndex: site.index), name: registration.name, site: site.id,
                    capacity: .zero, agentURL: registration.agentURL, hypervisorType: registration.hypervisorType,
                    hostIP: registration.hostIP, number: try await store.globalCounters.next("hypervisors"))
            }
            host.capacity = Resources(vcpus: registration.vcpus, ramMB: registration.ramMB, diskGB: registration.diskGB)
            host.agentURL = registration.agentURL
            host.hypervisorType = registration.hypervisorType
            host.hostIP = registration.hostIP
            host.dataPlane = registration.dataPlane ?? false
            var txn = Transaction()
            hosts.stagePut(host, expecting: existing?.revision, into: &txn)
            try await store.commit(txn, in: .site(site.id))
            return host
        }
        try await heartbeat(host: host.id, site: site.id)
        logger.info("host registered", metadata: ["host.id": "\(host.id)", "host.name": "\(host.name)", "site.id": "\(site.id)"])
        return HostRegistered(hostID: host.id, heartbeatSeconds: Int(configuration.heartbeatInterval.components.seconds))
    }

    /// Renews the host's liveness lease.
    public func heartbeat(host: ComputeHost.ID, site: Site.ID) async throws {
        guard try await store.hosts(site).find(host) != nil else {
            throw ControlPlaneError.notFound("Host \(host) is not registered; register again.")
        }
        try await store.leases(site).renew(.host, id: host, payload: "", ttl: configuration.hostLeaseTTL)
    }

    /// Compares the machines a host runs with the servers placed on it. Machines no server owns are
    /// to be destroyed; idle servers whose machine vanished go to ERROR; power states that changed
    /// behind our back are recorded (a machine found shut down makes its server SHUTOFF).
    public func reconcile(_ report: ReconcileReport, host hostID: ComputeHost.ID, site: Site.ID) async throws
        -> ReconcileOrders
    {
        let servers = store.servers(site)
        let owned = try await servers.list(host: hostID)
        let ownedIDs = Set(owned.map(\.value.id))
        let machines = Dictionary(report.machines.map { ($0.serverID, $0) }, uniquingKeysWith: { a, _ in a })
        var orphans: [String] = []
        for machine in report.machines where !ownedIDs.contains(machine.serverID) {
            // A server being (re)scheduled onto this host right now is not an orphan.
            if let server = try await servers.find(machine.serverID)?.value, server.hostID == hostID { continue }
            orphans.append(machine.serverID)
        }
        // A server that changed after the list was taken (or shortly before: clocks differ) is
        // judged at the next reconcile, not now.
        let settled = report.takenAt.addingTimeInterval(-Self.clockSkewAllowance)
        for current in owned where current.value.taskState == nil && current.value.updatedAt < settled {
            let found = current.value
            let event: TaskEvent
            switch machines[found.id]?.state {
            case nil where found.vmState != .error && found.vmState != .building:
                event = .machineVanished(host: found.hostName ?? hostID)
            case .shutdown?: event = .machineFound(power: .shutdown)
            case .crashed?: event = .machineFound(power: .crashed)
            default: continue
            }
            guard let server = ServerLifecycle.apply(event, to: found, now: clock.now()).server, server != found else { continue }
            var txn = Transaction()
            servers.stageUpdate(server, from: current, into: &txn)
            do {
                try await store.commit(txn, in: .site(site))
                logger.notice("reconciled server", metadata: ["server.id": "\(server.id)", "vm_state": "\(server.vmState.rawValue)"])
            } catch let error as StoreError where error.code == .conflict {
                continue  // it changed meanwhile; the next reconcile looks again
            }
        }
        if !orphans.isEmpty {
            logger.notice("orphan machines to destroy", metadata: ["host.id": "\(hostID)", "count": "\(orphans.count)"])
        }
        return ReconcileOrders(destroy: orphans)
    }
}

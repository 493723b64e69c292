public import AgentProtocol
public import DataPlane
import Foundation
public import HypervisorDriver
public import Logging
import LUCBase
import Synchronization

/// A compute agent: serves one or more hosts' drivers to the controllers of its site, registers
/// the hosts, keeps their liveness leases through heartbeats and reconciles their machines with
/// the store (through the controllers; the agent holds no store credentials).
public final class ComputeAgent: Sendable {
    let site: String
    let hosts: [AgentHost]
    let controllers: any ControllerClient
    let agentURL: String
    let logger: Logger
    let reconcileInterval: Duration
    /// Host name → ID given by the controllers at registration.
    private let ids = Mutex<[String: String]>([:])
    /// Host ID → driver and data plane, for the HTTP endpoint.
    private let drivers = Mutex<[String: any HypervisorDriver]>([:])
    private let fabrics = Mutex<[String: HostFabric]>([:])
    private let routers = Mutex<[String: HostRouter]>([:])
    /// Serialises the kernel changes of one host (its networks and routers): each reads what the
    /// kernel has and changes the difference, so two at once would both see the same "before".
    let dataPlaneLock = KeyedLock()

    public init(site: String, hosts: [AgentHost], controllers: any ControllerClient, agentURL: String, logger: Logger,
                reconcileInterval: Duration = .seconds(10)) {
        self.site = site
        self.hosts = hosts
        self.controllers = controllers
        self.agentURL = agentURL
        self.logger = logger
        self.reconcileInterval = reconcileInterval
    }

    /// The driver of the host with controller-given `id` (or with that name), once registered.
    public func driver(forHost id: String) -> (any HypervisorDriver)? {
        let hostID = ids.withLock { $0[id] } ?? id
        return drivers.withLock { $0[hostID] }
    }

    /// Whether the host with controller-given `id` (or that name) is registered here, and its
    /// data plane (nil: started without one).
    public func fabric(forHost id: String) -> (registered: Bool, fabric: HostFabric?) {
        let hostID = ids.withLock { $0[id] } ?? id
        return (drivers.withLock { $0[hostID] != nil }, fabrics.withLock { $0[hostID] })
    }

    /// The routers of the host with controller-given `id` (or that name), if it has a data plane.
    public func routers(forHost id: String) -> HostRouter? {
        let hostID = ids.withLock { $0[id] } ?? id
        return routers.withLock { $0[hostID] }
    }

    /// Registers every host (retrying until a controller answers), then heartbeats and reconciles
    /// until cancelled.
    public func run(heartbeatInterval: Duration = .seconds(2)) async {
        await withTaskGroup(of: Void.self) { group in
            for host in hosts {
                group.addTask { await self.runHost(host, heartbeatInterval: heartbeatInterval) }
            }
        }
    }

    private func register(_ host: AgentHost) async -> String {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                let registered = try await controllers.register(
                    HostRegistration(name: host.name, vcpus: host.vcpus, ramMB: host.ramMB, diskGB: host.diskGB,
                                     hypervisorType: host.driver.capabilities.hypervisorType, hostIP: host.hostIP,
                                     agentURL: agentURL, dataPlane: host.fabric != nil), site: site)
                ids.withLock { $0[host.name] = registered.hostID }
                drivers.withLock { $0[registered.hostID] = host.driver }
                if let fabric = host.fabric {
                    fabrics.withLock { $0[registered.hostID] = fabric }
                    routers.withLock { $0[registered.hostID] = $0[registered.hostID] ?? HostRouter(hostNamespace: fabric.namespace) }
                }
                return registered.hostID
            } catch {
                logger.warning("registration failed; retrying", metadata: ["host": "\(host.name)", "error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        return ""
    }

    private func runHost(_ host: AgentHost, heartbeatInterval: Duration) async {
        var id = await register(host)
        guard !Task.isCancelled else { return }
        logger.info("host serving", metadata: ["host": "\(host.name)", "host.id": "\(id)"])
        await reconcile(host, id: id)
        var lastReconcile = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: heartbeatInterval)
            do {
                try await controllers.heartbeat(Heartbeat(machines: try await host.driver.list().count), host: id, site: site)
            } catch let error as AgentCallError where error.kind == .notFound {
                id = await register(host)  // the controllers lost the host: register again
            } catch {
                logger.warning("heartbeat failed", metadata: ["host": "\(host.name)", "error": "\(error)"])
            }
            if ContinuousClock.now - lastReconcile >= reconcileInterval {
                lastReconcile = .now
                await reconcile(host, id: id)
            }
        }
    }

    /// Reports the host's machines and destroys those no server owns.
    func reconcile(_ host: AgentHost, id: String) async {
        do {
            let takenAt = Date()
            let machines = try await host.driver.list()
            let orders = try await controllers.reconcile(ReconcileReport(machines: machines, takenAt: takenAt), host: id, site: site)
            for orphan in orders.destroy {
                logger.notice("destroying orphan machine", metadata: ["host": "\(host.name)", "server.id": "\(orphan)"])
                try await host.driver.destroy(orphan)
            }
        } catch {
            logger.warning("reconcile failed", metadata: ["host": "\(host.name)", "error": "\(error)"])
        }
    }
}

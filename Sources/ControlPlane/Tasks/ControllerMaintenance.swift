import CloudModel
import Logging
import StateStore

/// Keeps this controller's liveness lease (with the URL it serves at, for forwarding) and, a
/// third of a lease apart, has every task runner recover its site's orphaned tasks and the
/// data plane move the routers of hosts that went down.
struct ControllerMaintenance: Sendable {
    let store: Store
    let configuration: ControllerConfiguration
    let runners: [any OrphanRecovery]
    let wiring: DataPlaneWiring
    let logger: Logger

    func run() async {
        let site = configuration.site
        let leases = store.leases(site)
        let every = configuration.controllerLeaseTTL / 3
        while !Task.isCancelled {
            do {
                try await leases.renew(.controller, id: configuration.controllerID, payload: configuration.publicURL,
                                       ttl: configuration.controllerLeaseTTL)
                for runner in runners { _ = try await runner.recoverOrphans(site: site) }
                await wiring.maintainRouters(site: site)
            } catch {
                logger.warning("maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: every)
        }
    }
}

import CloudModel
import Foundation
import Logging
import StateStore

extension ServerTasks {
    /// Takes over the tasks of `site` whose controller is dead (no live lease) or that are past
    /// their deadline, and resumes the ones this controller owns but is not driving (after a
    /// restart). Returns how many servers it adopted.
    @discardableResult
    public func recoverOrphans(site: Site.ID) async throws -> Int {
        let live = try await store.leases(site).live(.controller)
        var adopted = 0
        for current in try await store.servers(site).withTasks() {
            let server = current.value
            if server.taskOwner == me {
                if await !registry.isActive(server.id) { drive(server.id, site: site) }
                continue
            }
            let ownerAlive = server.taskOwner.map { live[$0] != nil } ?? false
            let overdue = server.taskDeadline.map { $0 < Date() } ?? true
            guard !ownerAlive || overdue else { continue }
            var taken = server
            taken.taskOwner = me
            let limit = server.taskState == .scheduling || server.taskState == .spawning
                ? configuration.bootDeadline : configuration.actionDeadline
            taken.taskDeadline = Date().addingTimeInterval(limit.timeInterval)
            var txn = Transaction()
            store.servers(site).stageUpdate(taken, from: current, into: &txn)
            do {
                try await store.commit(txn, in: .site(site))
            } catch let error as StoreError where error.code == .conflict {
                continue  // someone else adopted it or it moved on
            }
            logger.notice("adopted task", metadata: ["server.id": "\(server.id)", "task": "\(server.taskState?.rawValue ?? "")",
                                                     "previous.owner": "\(server.taskOwner ?? "none")"])
            adopted += 1
            drive(server.id, site: site)
        }
        return adopted
    }

    /// Keeps this controller's liveness lease and recovers orphaned tasks of its site, until cancelled.
    public func runMaintenance() async {
        let site = configuration.site
        let leases = store.leases(site)
        let renewEvery = configuration.controllerLeaseTTL / 3
        var lastRecovery = ContinuousClock.now - .seconds(60)
        while !Task.isCancelled {
            do {
                try await leases.renew(.controller, id: me, payload: configuration.publicURL, ttl: configuration.controllerLeaseTTL)
                if ContinuousClock.now - lastRecovery >= renewEvery {
                    lastRecovery = .now
                    try await recoverOrphans(site: site)
                }
            } catch {
                logger.warning("maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: renewEvery)
        }
    }
}

public import CloudModel
import Foundation
public import Logging
public import StateStore

/// Drives the tasks of one kind of resource: one loop per resource per controller, retried on
/// lost races and transient failures; adoption of the tasks of dead controllers (no live lease)
/// and of overdue ones. The same runner serves every `TaskWork`.
public final class TaskRunner<Work: TaskWork>: OrphanRecovery {
    public let work: Work
    let store: Store
    let owner: String
    let clock: any WallClock
    let logger: Logger
    let registry = DriveRegistry()

    public init(work: Work, store: Store, owner: String, clock: any WallClock, logger: Logger) {
        self.work = work
        self.store = store
        self.owner = owner
        self.clock = clock
        self.logger = logger
    }

    /// Makes sure a loop is driving `id` (owned by this controller) until it is idle.
    public func drive(_ id: String, site: Site.ID) {
        Task { await self.run(id, site: site) }
    }

    func run(_ id: String, site: Site.ID) async {
        guard await registry.begin(id) else { return }
        repeat {
            var failures = 0
            while true {
                do {
                    if try await work.advance(id, site: site, owner: owner) { break }
                } catch let error as StoreError where error.code == .conflict {
                    continue
                } catch {
                    failures += 1
                    logger.warning("task step failed", metadata: ["\(work.kind).id": "\(id)", "error": "\(error)"])
                    if failures >= 5 { break }  // the deadline passes and recovery retries later
                    try? await Task.sleep(for: .milliseconds(200 * failures))
                }
            }
        } while await registry.finish(id)
    }

    /// Takes over the tasks of `site` whose controller is dead (no live lease) or that are past
    /// their deadline, and resumes the ones this controller owns but is not driving (after a
    /// restart). Returns how many it adopted.
    @discardableResult
    public func recoverOrphans(site: Site.ID) async throws -> Int {
        let live = try await store.leases(site).live(.controller)
        let now = clock.now()
        var adopted = 0
        var elsewhere: [String: String]? = nil
        for pending in try await work.pendingTasks(site: site) {
            if pending.owner == owner {
                if await !registry.isActive(pending.id) { drive(pending.id, site: site) }
                continue
            }
            var ownerAlive = pending.owner.map { live[$0] != nil } ?? false
            let overdue = pending.deadline.map { $0 < now } ?? true
            if !ownerAlive, !overdue, let other = pending.owner {
                // A controller of another site may drive this site's server (it took the request
                // and reaches this site's store): alive if its lease is live at its own site.
                if elsewhere == nil { elsewhere = await liveControllers(besides: site) }
                ownerAlive = elsewhere?[other] != nil
            }
            guard !ownerAlive || overdue else { continue }
            guard try await work.adopt(pending, owner: owner) else { continue }
            logger.notice("adopted task", metadata: ["\(work.kind).id": "\(pending.id)", "task": "\(pending.task)",
                                                     "previous.owner": "\(pending.owner ?? "none")"])
            adopted += 1
            drive(pending.id, site: site)
        }
        return adopted
    }

    /// The controllers with a live lease at the other sites (sites that do not answer count as
    /// none: their controllers' tasks are adopted once overdue, as before).
    private func liveControllers(besides site: Site.ID) async -> [String: String] {
        var live: [String: String] = [:]
        guard let sites = try? await store.sites.all() else { return live }
        for other in sites where other.id != site {
            if let found = try? await store.leases(other.id).live(.controller) { live.merge(found) { first, _ in first } }
        }
        return live
    }
}

/// What the controller's maintenance asks of every task runner, whatever it drives.
public protocol OrphanRecovery: Sendable {
    func recoverOrphans(site: Site.ID) async throws -> Int
}

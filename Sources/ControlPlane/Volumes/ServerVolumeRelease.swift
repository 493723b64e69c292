import CloudModel
import Foundation
import StateStore
import LUCBase

/// What a server's deletion does to its volumes, in the deletion's own transaction at their site:
/// each is detached (the machine is gone, nothing to unplug) and becomes `available`, or, if it
/// was to be deleted with the server, starts its deletion owned by the deleting controller.
struct ServerVolumeRelease: Sendable {
    let store: Store
    let configuration: ControllerConfiguration

    /// Stages the release of `server`'s volumes into `txn`; returns the volumes whose deletion
    /// it started (to drive once committed).
    func stage(of server: Server, into txn: inout Transaction, now: Date) async throws -> [Volume.ID] {
        var deleting: [Volume.ID] = []
        let repo = store.volumes(server.site)
        for ref in server.volumes {
            guard let current = try await repo.find(ref.volumeID) else { continue }
            var v = current.value
            let wasAttaching: Bool = if case let .attach(a) = v.pending { a.serverID == server.id } else { false }
            let wasDetaching: Bool = if case let .detach(id) = v.pending { id == server.id } else { false }
            guard v.attachment(to: server.id) != nil || wasAttaching || wasDetaching else { continue }
            v.attachments.removeAll { $0.serverID == server.id }
            if wasAttaching || wasDetaching { v.pending = nil; v.taskOwner = nil; v.taskDeadline = nil }
            if ref.deleteOnTermination && v.attachments.isEmpty {
                v.status = .deleting
                v.pending = nil
                v.taskOwner = configuration.controllerID
                v.taskDeadline = now.addingTimeInterval(configuration.actionDeadline.inSeconds)
                deleting.append(v.id)
            } else if v.pending == nil {
                v.status = v.attachments.isEmpty ? .available : .inUse
            }
            v.updatedAt = now
            v.revision += 1
            repo.stageUpdate(v, from: current, into: &txn)
        }
        return deleting
    }
}

public import CloudModel
import Foundation
import LUCBase
public import StateStore

/// Nova's volume attachments (`os-volume_attachments`): a volume of the server's own site is
/// reserved for it (`attaching`, and the server's record names it) in one transaction at that
/// site, then hot-plugged as the volume's task; detach unplugs it the same way. A volume of
/// another site is refused (Nova with `cross_az_attach` off).
public struct ServerVolumeService: Sendable {
    let store: Store
    let servers: ServerService
    let volumes: VolumeService
    let clock: any WallClock

    public init(store: Store, servers: ServerService, volumes: VolumeService, clock: any WallClock) {
        self.store = store
        self.servers = servers
        self.volumes = volumes
        self.clock = clock
    }

    /// The server's volumes, in attachment order.
    public func list(_ serverID: String, by p: Principal) async throws -> [ServerVolume] {
        try await servers.get(serverID, by: p).value.volumes
    }

    /// One of the server's volumes; 404 when it has no such volume.
    public func get(_ serverID: String, volumeID: String, by p: Principal) async throws -> ServerVolume {
        try Self.volume(volumeID, of: try await servers.get(serverID, by: p).value)
    }

    /// The server's attachment of `volumeID`; 404 when it has none.
    static func volume(_ volumeID: String, of server: Server) throws -> ServerVolume {
        guard let found = server.volumes.first(where: { $0.volumeID == ResourceID.normalized(volumeID) ?? volumeID }) else {
            throw ControlPlaneError.notFound("Volume attachment could not be found with filter: volume_id = \(volumeID), instance_uuid = \(server.id).")
        }
        return found
    }

    /// States a server must be in to have a volume attached or detached (Nova's).
    static let attachableStates: Set<VMState> = [.active, .paused, .stopped, .suspended]

    /// Attaches an `available` volume of the server's site; returns at once with the device it
    /// will appear as, the hot-plug following as the volume's task.
    public func attach(_ serverID: String, volumeID: String, deleteOnTermination: Bool = false, tag: String? = nil, by p: Principal)
        async throws -> ServerVolume
    {
        try servers.requireWrite(p)
        let (ref, site) = try await retryOnConflict { () -> (ServerVolume, Site.ID) in
            let server = try await servers.get(serverID, by: p)
            try servers.requireUnlocked(server.value, p)
            let s = server.value
            guard Self.attachableStates.contains(s.vmState), s.taskState == nil else {
                throw ControlPlaneError.conflict("Cannot 'attach_volume' instance \(s.id) while it is in vm_state \(s.vmState.rawValue)")
            }
            let volume = try await volumes.get(volumeID, by: p)
            let v = volume.value
            guard v.site == s.site else {
                throw ControlPlaneError.badRequest("Instance \(s.id) and volume \(v.id) are not in the same availability_zone. Instance is in \(s.site). Volume is in \(v.site)")
            }
            guard v.status == .available else {
                throw ControlPlaneError.badRequest("Invalid volume: volume \(v.id) status must be 'available'. Currently in '\(v.status.rawValue)'")
            }
            guard s.volumes.count < 24 else { throw ControlPlaneError.badRequest("The maximum allowed number of disk devices (24) to attach to a single instance has been exceeded.") }
            let ref = ServerVolume(volumeID: v.id, device: ServerVolume.nextDevice(after: s.volumes),
                                   attachmentID: ResourceID.make(siteIndex: ResourceID.siteIndex(of: v.id) ?? 0),
                                   deleteOnTermination: deleteOnTermination, tag: tag, mappingID: ResourceID.makeGlobal())
            var updated = s
            updated.volumes.append(ref)
            updated.updatedAt = clock.now()
            var claimed = v
            claimed.status = .attaching
            claimed.pending = .attach(VolumeAttachment(id: ref.attachmentID, serverID: s.id, device: ref.device, hostName: s.hostName,
                                                       attachedAt: clock.now(), deleteOnTermination: deleteOnTermination))
            claimed.taskOwner = volumes.configuration.controllerID
            claimed.taskDeadline = volumes.deadline()
            claimed.fault = nil
            claimed.updatedAt = clock.now()
            claimed.revision += 1
            var txn = Transaction()
            store.servers(s.site).stageUpdate(updated, from: server, into: &txn)
            store.volumes(v.site).stageUpdate(claimed, from: volume, into: &txn)
            try await store.commit(txn, in: .site(s.site))
            return (ref, s.site)
        }
        volumes.tasks.drive(ref.volumeID, site: site)
        return ref
    }

    /// Detaches one of the server's volumes: it becomes `detaching`, then `available` once the
    /// guest released it. 404 when the server has no such volume; 400 while it is still attaching.
    public func detach(_ serverID: String, volumeID: String, by p: Principal) async throws {
        try servers.requireWrite(p)
        let server = try await servers.get(serverID, by: p).value
        let ref = try Self.volume(volumeID, of: server)
        try servers.requireUnlocked(server, p)
        if server.bootVolume?.volumeID == ref.volumeID {
            throw ControlPlaneError.badRequest("Can't detach root device volume")
        }
        guard server.taskState == nil else {
            throw ControlPlaneError.conflict("Cannot 'detach_volume' instance \(server.id) while it is in task_state \(server.taskState?.rawValue ?? "")")
        }
        _ = try await volumes.startTask(ref.volumeID, by: p) { v in
            guard v.status == .inUse, v.attachment(to: server.id) != nil else {
                throw ControlPlaneError.badRequest("Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach. Currently: status: '\(v.status.rawValue)'")
            }
            v.status = .detaching
            v.pending = .detach(serverID: server.id)
        }
    }
}

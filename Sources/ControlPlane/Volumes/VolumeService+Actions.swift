public import CloudModel
import Foundation
import StateStore
import StorageDriver

extension VolumeService {
    /// Grows an `available` volume (`os-extend`); the storage work is its task.
    public func extend(_ id: String, to size: Int, by p: Principal) async throws -> Volume {
        try requireWrite(p)
        let current = try await get(id, by: p).value
        guard current.status == .available else {
            throw ControlPlaneError.badRequest("Invalid volume: Volume \(current.id) status must be available to extend, but current status is: \(current.status.rawValue).")
        }
        guard size > current.sizeGB else {
            throw ControlPlaneError.badRequest("Invalid input received: New size for extend must be greater than current size. (current: \(current.sizeGB), extended: \(size)).")
        }
        var result: Volume?
        try await quotas.withReservation(project: current.projectID, volumes: 0, gigabytes: size - current.sizeGB) {
            result = try await startTask(id, by: p) { v in
                guard v.status == .available else { throw ControlPlaneError.badRequest("Invalid volume: Volume status must be available to extend.") }
                v.status = .extending
                v.pending = .extend(sizeGB: size)
            }
        }
        return result!
    }

    /// Gives an `available` volume the content of its latest snapshot, which must be of its size
    /// (Cinder's `revert`, 3.40); the storage work is its task.
    public func revert(_ id: String, toSnapshot snapshotID: String, by p: Principal) async throws -> Volume {
        try requireWrite(p)
        let volume = try await get(id, by: p).value
        let snapshots = try await store.snapshots(volume.site).of(volume: volume.id).map(\.value)
        guard let latest = snapshots.filter({ $0.status == .available }).max(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }),
              latest.id == (ResourceID.normalized(snapshotID) ?? snapshotID)
        else {
            throw ControlPlaneError.badRequest("Invalid snapshot: Volume \(volume.id) can only be reverted to its latest available snapshot.")
        }
        guard latest.sizeGB == volume.sizeGB else {
            throw ControlPlaneError.badRequest("Invalid volume: Volume \(volume.id) has been extended since snapshot \(latest.id): it cannot be reverted.")
        }
        return try await startTask(id, by: p) { v in
            guard v.status == .available, v.attachments.isEmpty else {
                throw ControlPlaneError.badRequest("Invalid volume: Volume \(v.id) status must be available to revert, but current status is: \(v.status.rawValue).")
            }
            v.status = .reverting
            v.pending = .revert(snapshotID: latest.id)
        }
    }

    /// Edits the volume's image metadata (`os-set_image_metadata`, `os-unset_image_metadata`);
    /// returns the result.
    public func changeImageMetadata(_ id: String, by p: Principal, _ edit: (inout [String: String]) throws -> Void) async throws
        -> [String: String]
    {
        try requireWrite(p)
        return try await change(id, by: p) { v in
            try edit(&v.imageMetadata)
            try Self.validate(metadata: v.imageMetadata)
        }.imageMetadata
    }

    /// Marks a volume bootable or not (`os-set_bootable`).
    public func setBootable(_ id: String, _ bootable: Bool, by p: Principal) async throws {
        try requireWrite(p)
        _ = try await change(id, by: p) { $0.bootable = bootable }
    }

    /// Sets a volume's status by hand (admins, `os-reset_status`): the way out of a stuck state.
    /// A task in progress is abandoned. `attachStatus: "detached"` also drops its attachments.
    public func resetStatus(_ id: String, status: String?, attachStatus: String?, by p: Principal) async throws {
        guard p.isAdmin else { throw ControlPlaneError.forbidden("Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed.") }
        let wanted = try status.map { text -> VolumeStatus in
            guard let s = VolumeStatus(rawValue: text) else { throw ControlPlaneError.badRequest("Invalid input received: Must specify a valid status") }
            return s
        }
        if let attachStatus, !["attached", "detached"].contains(attachStatus) {
            throw ControlPlaneError.badRequest("Invalid input received: Must specify a valid attach status")
        }
        guard wanted != nil || attachStatus != nil else { throw ControlPlaneError.badRequest("Invalid input received: Must specify 'status', 'attach_status' or 'migration_status' for update.") }
        _ = try await change(id, by: p) { v in
            if let wanted { v.status = wanted }
            if attachStatus == "detached" { v.attachments = [] }
            v.pending = nil
            v.taskOwner = nil
            v.taskDeadline = nil
        }
    }

    /// `os-reserve`: an `available` volume is held (`reserved`) for an attachment about to be made.
    public func reserve(_ id: String, by p: Principal) async throws {
        try requireWrite(p)
        _ = try await change(id, by: p) { v in
            guard v.status == .available else { throw Self.wrongStatus(v, "available") }
            v.status = .reserved
        }
    }

    /// `os-unreserve`: a `reserved` volume becomes `available` again (others are left as they are).
    public func unreserve(_ id: String, by p: Principal) async throws {
        try requireWrite(p)
        _ = try await change(id, by: p) { v in
            if v.status == .reserved { v.status = v.attachments.isEmpty ? .available : .inUse }
        }
    }

    /// `os-begin_detaching`: an `in-use` volume is marked `detaching` while another service
    /// unplugs it (nothing is unplugged here); `os-roll_detaching` undoes the mark.
    public func beginDetaching(_ id: String, by p: Principal) async throws {
        try requireWrite(p)
        _ = try await change(id, by: p) { v in
            guard v.status == .inUse else { throw Self.wrongStatus(v, "in-use") }
            v.status = .detaching
            v.pending = nil
        }
    }

    public func rollDetaching(_ id: String, by p: Principal) async throws {
        try requireWrite(p)
        _ = try await change(id, by: p) { v in
            if v.status == .detaching && v.pending == nil { v.status = .inUse }
        }
    }

    /// Cinder's `os-attach`: records that the caller attached the volume to `serverID` at
    /// `mountpoint` (the caller did the plugging, as Nova once did); the volume becomes `in-use`.
    public func recordAttach(_ id: String, serverID: String?, hostName: String?, mountpoint: String, by p: Principal) async throws {
        try requireWrite(p)
        guard serverID != nil || hostName != nil else {
            throw ControlPlaneError.badRequest("Invalid request to attach volume to an invalid target")
        }
        guard mountpoint.hasPrefix("/") else { throw ControlPlaneError.badRequest("Invalid input received: mountpoint must be a device path") }
        _ = try await change(id, by: p) { v in
            guard [.available, .reserved, .attaching].contains(v.status) else { throw Self.wrongStatus(v, "available or reserved") }
            guard v.pending == nil else { throw Self.wrongStatus(v, "available") }
            let site = ResourceID.siteIndex(of: v.id) ?? 0
            v.attachments.append(VolumeAttachment(id: ResourceID.make(siteIndex: site), serverID: serverID ?? "", device: mountpoint,
                                                  hostName: hostName, attachedAt: clock.now()))
            v.status = .inUse
        }
    }

    /// Cinder's `os-detach`: records that the caller detached the volume (one attachment, or the
    /// only one); it becomes `available` when none is left.
    public func recordDetach(_ id: String, attachmentID: String?, by p: Principal) async throws {
        try requireWrite(p)
        _ = try await change(id, by: p) { v in
            guard v.pending == nil, [.inUse, .detaching, .reserved].contains(v.status) || !v.attachments.isEmpty else {
                throw Self.wrongStatus(v, "in-use")
            }
            if let attachmentID {
                guard v.attachments.contains(where: { $0.id == attachmentID }) else {
                    throw ControlPlaneError.notFound("Volume attachment \(attachmentID) could not be found.")
                }
                v.attachments.removeAll { $0.id == attachmentID }
            } else {
                guard v.attachments.count <= 1 else {
                    throw ControlPlaneError.badRequest("Invalid volume: Volume \(v.id) is attached more than once: attachment_id is required.")
                }
                v.attachments = []
            }
            v.status = v.attachments.isEmpty ? .available : .inUse
        }
    }

    /// `os-initialize_connection`: how a host opens the volume (its file in the site's storage).
    public func connection(_ id: String, by p: Principal) async throws -> (path: String, format: String) {
        let v = try await get(id, by: p).value
        guard ![.creating, .error, .deleting, .errorDeleting].contains(v.status) else { throw Self.wrongStatus(v, "available or in-use") }
        do {
            let file = try await storage.driver(for: v.site).export(v.id)
            return (file.path, file.format)
        } catch let error as StorageError {
            throw ControlPlaneError.badRequest("Unable to export volume \(v.id): \(error.message)")
        }
    }

    static func wrongStatus(_ v: Volume, _ expected: String) -> ControlPlaneError {
        ControlPlaneError.badRequest("Invalid volume: Volume \(v.id) status must be \(expected), but current status is: \(v.status.rawValue).")
    }
}

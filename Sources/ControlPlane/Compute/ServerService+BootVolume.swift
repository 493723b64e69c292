import CloudModel
import Foundation
import LUCBase
import StateStore

/// Boot from a volume, as Nova checks it at the API: the root volume's source exists, the caller
/// may use it and it is usable (an active raw or qcow2 image, an available snapshot, an available
/// unattached volume), sizes fit, and the server goes to the source's site (volumes attach only
/// at their own site).
extension ServerService {
    /// What the checks found: the source and the site the servers must be at (nil: any).
    struct BootVolumePlan: Sendable {
        var request: CreateServerCommand.BootVolumeRequest
        var image: Image?
        var site: Site.ID?
        var sizeGB: Int
        var typeName: String
    }

    func planBootVolume(_ r: CreateServerCommand.BootVolumeRequest, flavor: Flavor, count: Int, project: String,
                        by p: Principal) async throws -> BootVolumePlan
    {
        let typeName: String
        if let name = r.typeName {
            guard let type = VolumeType.find(name) else {
                throw ControlPlaneError.badRequest("Block Device Mapping is Invalid: volume type \(name) could not be found.")
            }
            typeName = type.name
        } else {
            typeName = VolumeType.defaultType.name
        }
        switch r.source {
        case let .image(id):
            guard let imageID = ResourceID.normalized(id), let image = try await store.images.find(imageID)?.value,
                  image.isVisible(to: project, isAdmin: p.isAdmin)
            else { throw ControlPlaneError.badRequest("Block Device Mapping is Invalid: failed to get image \(id).") }
            guard image.status == .active else { throw ControlPlaneError.badRequest("Image \(image.id) is not active.") }
            guard ["raw", "qcow2"].contains(image.diskFormat ?? "raw") else {
                throw ControlPlaneError.badRequest("Block Device Mapping is Invalid: image \(image.id) is \(image.diskFormat ?? ""); volumes are made from raw and qcow2 images.")
            }
            guard flavor.ramMB >= image.minRamMB else { throw ControlPlaneError.badRequest("Flavor's memory is too small for requested image.") }
            let size = r.sizeGB ?? 0
            let imageGB = Int(((image.size ?? 0) + (1 << 30) - 1) >> 30)
            guard size >= max(imageGB, image.minDiskGB) else {
                throw ControlPlaneError.badRequest("Block Device Mapping is Invalid: volume_size \(size)GB is smaller than image \(image.id) (\(max(imageGB, image.minDiskGB))GB).")
            }
            return BootVolumePlan(request: r, image: image, site: nil, sizeGB: size, typeName: typeName)
        case let .snapshot(id):
            guard let snapshotID = ResourceID.normalized(id), let home = await sites.home(of: snapshotID),
                  let snapshot = try await store.snapshots(home.id).find(snapshotID)?.value, p.isAdmin || snapshot.projectID == project
            else { throw ControlPlaneError.badRequest("Block Device Mapping is Invalid: failed to get snapshot \(id).") }
            guard snapshot.status == .available else {
                throw ControlPlaneError.badRequest("Block Device Mapping is Invalid: snapshot \(snapshot.id) is \(snapshot.status.rawValue), not available.")
            }
            let size = r.sizeGB ?? snapshot.sizeGB
            guard size >= snapshot.sizeGB else {
                throw ControlPlaneError.badRequest("Block Device Mapping is Invalid: volume_size \(size)GB is smaller than snapshot \(snapshot.id) (\(snapshot.sizeGB)GB).")
            }
            return BootVolumePlan(request: r, image: nil, site: snapshot.site, sizeGB: size, typeName: typeName)
        case .blank:
            guard let size = r.sizeGB, size >= 1 else {
                throw ControlPlaneError.badRequest("Block Device Mapping is Invalid: a blank volume needs a volume_size of at least 1.")
            }
            return BootVolumePlan(request: r, image: nil, site: nil, sizeGB: size, typeName: typeName)
        case let .volume(id):
            guard count == 1 else {
                throw ControlPlaneError.badRequest("Block Device Mapping is Invalid: one volume boots one server, not \(count).")
            }
            let volume = try await bootableVolume(id, site: nil, project: project, by: p)
            return BootVolumePlan(request: r, image: nil, site: volume.value.site, sizeGB: volume.value.sizeGB, typeName: volume.value.typeName)
        }
    }

    /// An existing volume a server may boot from: the caller's, available and unattached.
    func bootableVolume(_ id: String, site: Site.ID?, project: String, by p: Principal) async throws -> Versioned<Volume> {
        guard let volumeID = ResourceID.normalized(id), let home = await sites.home(of: volumeID), site == nil || home.id == site,
              let volume = try await store.volumes(home.id).find(volumeID), p.isAdmin || volume.value.projectID == project
        else { throw ControlPlaneError.badRequest("Block Device Mapping is Invalid: failed to get volume \(id).") }
        guard volume.value.status == .available, volume.value.attachments.isEmpty else {
            throw ControlPlaneError.badRequest("Block Device Mapping is Invalid: volume \(volume.value.id) status must be 'available'. Currently in '\(volume.value.status.rawValue)'.")
        }
        return volume
    }

    /// Gives `server` a volume at boot: the record names it at `device` (`/dev/vda` for the root
    /// volume); an existing volume is attached to it in `txn` (the server's own transaction), a
    /// new one is made by the boot.
    func stageBootVolume(_ plan: BootVolumePlan, root: Bool, for server: inout Server, site: Site, into txn: inout Transaction,
                         by p: Principal, now: Date) async throws {
        let attachmentID = ResourceID.make(siteIndex: site.index)
        let dot = plan.request.deleteOnTermination
        let device = root ? "/dev/vda" : ServerVolume.nextDevice(after: server.volumes)
        let volumeID: String
        if case let .volume(id) = plan.request.source {
            let current = try await bootableVolume(id, site: site.id, project: server.projectID, by: p)
            var v = current.value
            v.status = .inUse
            v.attachments = [VolumeAttachment(id: attachmentID, serverID: server.id, device: device, hostName: nil, attachedAt: now,
                                              deleteOnTermination: dot)]
            v.updatedAt = now
            v.revision += 1
            store.volumes(site.id).stageUpdate(v, from: current, into: &txn)
            volumeID = v.id
        } else {
            volumeID = ResourceID.make(siteIndex: site.index)
        }
        let boot = BootVolume(source: plan.request.source, volumeID: volumeID, sizeGB: plan.sizeGB, typeName: plan.typeName,
                              deleteOnTermination: dot)
        if root { server.bootVolume = boot } else { server.dataVolumesAtBoot.append(boot) }
        server.volumes.append(ServerVolume(volumeID: volumeID, device: device, attachmentID: attachmentID, deleteOnTermination: dot,
                                           mappingID: ResourceID.makeGlobal()))
    }
}

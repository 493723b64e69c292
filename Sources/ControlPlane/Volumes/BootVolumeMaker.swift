import AgentProtocol
import CloudModel
import Foundation
import LUCBase
import StateStore
import StorageDriver

/// A server's volumes at boot during its boot (the spawn step of `ServerWork`): a volume from
/// an image or a snapshot, or blank, is made in the site's storage under the ID the server's
/// record fixed, then recorded `in-use` and attached to the server at its device (`/dev/vda`
/// for the root volume), within the project's volume quota; an existing one was attached when
/// the server was created. Idempotent: a step repeated after a crash finds the storage's file
/// and the record it made.
struct BootVolumeMaker: Sendable {
    let store: Store
    let storage: SiteStorage
    let images: ImageService
    let quotas: VolumeQuotaService
    let clock: any WallClock

    /// Why the boot cannot go on, on any host (the server goes to ERROR with this message).
    struct Abort: Error {
        var reason: String
    }

    /// The disk of `boot` (one of the server's volumes at boot) for the spawn request of
    /// `server`, placed on `host`.
    /// - Throws: `Abort` when the volume cannot be made or is not the server's; other errors
    ///   (storage or store unreachable) for the step to be retried.
    func disk(_ boot: BootVolume, of server: Server, host: ComputeHost) async throws -> SpawnRequest.Disk {
        guard let ref = server.volumes.first(where: { $0.volumeID == boot.volumeID }) else {
            throw Abort(reason: "volume \(boot.volumeID) is not in the server's record")
        }
        let driver = try storage.driver(for: server.site)
        if let found = try await store.volumes(server.site).find(boot.volumeID)?.value {
            guard found.attachment(to: server.id) != nil else {
                throw Abort(reason: "volume \(boot.volumeID) is no longer attached to the server")
            }
        } else {
            guard boot.madeAtBoot else { throw Abort(reason: "volume \(boot.volumeID) was deleted") }
            try await make(boot, ref: ref, for: server, host: host, driver: driver)
        }
        do {
            let file = try await driver.export(boot.volumeID)
            return SpawnRequest.Disk(volumeID: boot.volumeID, path: file.path, format: file.format)
        } catch let error as StorageError where error.code == .notFound {
            throw Abort(reason: "the storage has no volume \(boot.volumeID)")
        }
    }

    private func make(_ boot: BootVolume, ref: ServerVolume, for server: Server, host: ComputeHost, driver: any StorageDriver)
        async throws
    {
        let now = clock.now()
        var volume = Volume(id: boot.volumeID, name: "", description: "", projectID: server.projectID, userID: server.userID,
                            site: server.site, sizeGB: boot.sizeGB, typeName: boot.typeName, createdAt: now)
        volume.bootable = server.bootVolume?.volumeID == boot.volumeID
        do {
            switch boot.source {
            case let .image(imageID):
                let (image, file): (Image, URL)
                do {
                    (image, file) = try await images.internalDataFile(imageID, localOnly: false)
                } catch let error as ControlPlaneError where error.code == .notFound {
                    throw Abort(reason: "image \(imageID) is gone: \(error.message)")
                }
                try await quotas.withReservation(project: server.projectID, volumes: 1, gigabytes: boot.sizeGB) {}
                _ = try await driver.clone(boot.volumeID, fromImage: StorageImage(id: image.id, path: file.path, format: image.diskFormat ?? "raw"),
                                           sizeGB: boot.sizeGB)
                volume.source = .image(image.id)
                volume.bootable = true
                volume.imageMetadata = VolumeService.imageMetadata(image)
            case let .snapshot(snapshotID):
                guard let snapshot = try await store.snapshots(server.site).find(snapshotID)?.value, snapshot.status == .available else {
                    throw Abort(reason: "snapshot \(snapshotID) is not available")
                }
                try await quotas.withReservation(project: server.projectID, volumes: 1, gigabytes: boot.sizeGB) {}
                _ = try await driver.clone(boot.volumeID, fromSnapshot: snapshotID, sizeGB: boot.sizeGB)
                volume.source = .snapshot(snapshotID)
            case .blank:
                try await quotas.withReservation(project: server.projectID, volumes: 1, gigabytes: boot.sizeGB) {}
                _ = try await driver.create(boot.volumeID, sizeGB: boot.sizeGB)
            case .volume:
                throw Abort(reason: "volume \(boot.volumeID) was deleted")
            }
        } catch let error as ControlPlaneError where error.code == .overLimit {
            throw Abort(reason: error.message)
        } catch let error as StorageError where error.code != .failed {
            throw Abort(reason: "volume \(boot.volumeID) could not be made: \(error.message)")
        }
        volume.status = .inUse
        volume.attachments = [VolumeAttachment(id: ref.attachmentID, serverID: server.id, device: ref.device, hostName: host.name,
                                               attachedAt: now, deleteOnTermination: boot.deleteOnTermination)]
        volume.revision = 1
        var txn = Transaction()
        store.volumes(server.site).stageCreate(volume, into: &txn)
        try await store.commit(txn, in: .site(server.site))
    }
}

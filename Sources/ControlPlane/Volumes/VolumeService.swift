public import CloudModel
public import Foundation
import LUCBase
public import StateStore
import StorageDriver

/// Cinder's volume use cases. A volume lives in its home site's keyspace (its ID names the site)
/// and its bytes in that site's storage; creating, extending, attaching, detaching and deleting
/// are tasks a controller of the site drives (`VolumeWork`), so a controller that dies midway
/// leaves the volume to another, never `creating` or `attaching` forever.
public struct VolumeService: Sendable {
    let store: Store
    let sites: SiteDirectory
    let configuration: ControllerConfiguration
    public let quotas: VolumeQuotaService
    let storage: SiteStorage
    let images: ImageService
    public let tasks: TaskRunner<VolumeWork>
    /// Drives the deletion of snapshots deleted with their volume (`cascade`).
    let snapshotTasks: TaskRunner<SnapshotWork>?
    let clock: any WallClock

    public init(store: Store, sites: SiteDirectory, configuration: ControllerConfiguration, quotas: VolumeQuotaService,
                storage: SiteStorage, images: ImageService, tasks: TaskRunner<VolumeWork>, snapshotTasks: TaskRunner<SnapshotWork>? = nil,
                clock: any WallClock) {
        self.snapshotTasks = snapshotTasks
        self.storage = storage
        self.images = images
        self.store = store
        self.sites = sites
        self.configuration = configuration
        self.quotas = quotas
        self.tasks = tasks
        self.clock = clock
    }

    func requireProject(_ p: Principal) throws -> String {
        guard let project = p.projectID else { throw ControlPlaneError.unauthorized("A project-scoped token is required.") }
        return project
    }

    func requireWrite(_ p: Principal) throws {
        guard p.canWrite else { throw ControlPlaneError.forbidden("Policy doesn't allow this operation: the reader role cannot change resources.") }
    }

    static func notFound(_ id: String) -> ControlPlaneError { .notFound("Volume \(id) could not be found.") }

    func deadline() -> Date { clock.now().addingTimeInterval(configuration.actionDeadline.inSeconds) }

    // MARK: create

    /// Creates a volume at the zone asked (the source volume's or snapshot's, or else this
    /// controller's site, by default): empty, a copy of another volume or of a snapshot of the
    /// same site, or an image (bootable, with the image's metadata). The record is written
    /// `creating`, owned by this controller, and the storage work follows as its task.
    public func create(_ f: VolumeFields, by p: Principal) async throws -> Volume {
        let project = try requireProject(p)
        try requireWrite(p)
        var source: Volume?
        if let sourceID = f.sourceVolumeID {
            guard let found = try? await get(sourceID, by: p).value else { throw Self.notFound(sourceID) }
            source = found
        }
        var snapshot: VolumeSnapshot?
        if let snapshotID = f.snapshotID {
            guard let normalized = ResourceID.normalized(snapshotID), let home = await sites.home(of: normalized),
                  let found = try await store.snapshots(home.id).find(normalized)?.value, p.isAdmin || found.projectID == p.projectID
            else { throw ControlPlaneError.notFound("Snapshot \(snapshotID) could not be found.") }
            guard found.status == .available else {
                throw ControlPlaneError.badRequest("Invalid snapshot: Originating snapshot status must be one of 'available' values")
            }
            snapshot = found
        }
        let siteID = f.availabilityZone ?? source?.site ?? snapshot?.site ?? configuration.site
        guard let site = await sites.site(siteID) else {
            throw ControlPlaneError.badRequest("Invalid input received: Availability zone '\(siteID)' is invalid.")
        }
        var image: Image?
        if let imageID = f.imageID {
            guard [f.sourceVolumeID, f.snapshotID].allSatisfy({ $0 == nil }) else {
                throw ControlPlaneError.badRequest("Invalid input received: only one of imageRef, snapshot_id and source_volid can be given.")
            }
            image = try await bootImage(imageID, by: p)
        }
        if let snapshot, snapshot.site != site.id {
            throw ControlPlaneError.badRequest("Invalid input received: snapshot \(snapshot.id) is in availability zone \(snapshot.site), not \(site.id).")
        }
        if let found = source {
            let sourceID = found.id
            guard found.site == site.id else {
                throw ControlPlaneError.badRequest("Invalid input received: source volume \(sourceID) is in availability zone \(found.site), not \(site.id).")
            }
            guard [.available, .inUse].contains(found.status) else {
                throw ControlPlaneError.badRequest("Invalid volume: Volume \(sourceID) status must be available or in-use, but current status is: \(found.status.rawValue).")
            }
        }
        guard let size = f.sizeGB ?? source?.sizeGB ?? snapshot?.sizeGB else {
            throw ControlPlaneError.badRequest("Invalid input received: size is required unless the volume is made from another.")
        }
        guard size >= 1 else {
            throw ControlPlaneError.badRequest("Invalid input received: Invalid volume size provided for create request: \(size) (size argument must be an integer (or string representation of an integer) and greater than zero).")
        }
        if let snapshot, size < snapshot.sizeGB {
            throw ControlPlaneError.badRequest("Invalid input received: Volume size '\(size)GB' cannot be smaller than the snapshot size \(snapshot.sizeGB)GB. They must be >= original snapshot size.")
        }
        if let image {
            let imageGB = Int(((image.size ?? 0) + (1 << 30) - 1) >> 30)
            guard size >= imageGB else {
                throw ControlPlaneError.badRequest("Invalid input received: Size of specified image \(imageGB)GB is larger than volume size \(size)GB.")
            }
            guard size >= image.minDiskGB else {
                throw ControlPlaneError.badRequest("Invalid input received: Volume size \(size)GB cannot be smaller than the image minDisk size \(image.minDiskGB)GB.")
            }
        }
        if let source, size < source.sizeGB {
            throw ControlPlaneError.badRequest("Invalid input received: Volume size '\(size)GB' cannot be smaller than the source volume size '\(source.sizeGB)GB'.")
        }
        let type: VolumeType
        if let name = f.typeName {
            guard let found = VolumeType.find(name) else { throw ControlPlaneError.notFound("Volume type with name \(name) could not be found.") }
            type = found
        } else {
            type = .defaultType
        }
        try Self.validate(metadata: f.metadata ?? [:])
        try Self.validate(name: f.name, description: f.description)
        var volume = Volume(id: ResourceID.make(siteIndex: site.index), name: f.name ?? "", description: f.description ?? "",
                            projectID: project, userID: p.userID, site: site.id, sizeGB: size, typeName: type.name, createdAt: clock.now())
        volume.metadata = f.metadata ?? [:]
        volume.bootable = source?.bootable ?? (image != nil)
        volume.source = source.map { .volume($0.id) } ?? snapshot.map { .snapshot($0.id) } ?? image.map { .image($0.id) }
        volume.imageMetadata = image.map(Self.imageMetadata) ?? source?.imageMetadata ?? [:]
        volume.taskOwner = configuration.controllerID
        volume.taskDeadline = deadline()
        volume.revision = 1
        try await quotas.withReservation(project: project, volumes: 1, gigabytes: size) {
            var txn = Transaction()
            store.volumes(site.id).stageCreate(volume, into: &txn)
            try await store.commit(txn, in: .site(site.id))
        }
        tasks.drive(volume.id, site: site.id)
        return volume
    }

    /// Starts a volume at the backup's site made from its bytes (a restore), of its size.
    func create(fromBackup backup: VolumeBackup, name: String?, by p: Principal) async throws -> Volume {
        let project = try requireProject(p)
        try Self.validate(name: name, description: nil)
        guard let site = await sites.site(backup.site) else { throw BackupService.notFound(backup.id) }
        var volume = Volume(id: ResourceID.make(siteIndex: site.index), name: name ?? "restore_backup_\(backup.id)", description: "",
                            projectID: p.isAdmin ? backup.projectID : project, userID: p.userID, site: site.id, sizeGB: backup.sizeGB,
                            typeName: VolumeType.defaultType.name, createdAt: clock.now())
        volume.source = .backup(backup.id)
        volume.taskOwner = configuration.controllerID
        volume.taskDeadline = deadline()
        volume.revision = 1
        try await quotas.withReservation(project: volume.projectID, volumes: 1, gigabytes: volume.sizeGB) {
            var txn = Transaction()
            store.volumes(site.id).stageCreate(volume, into: &txn)
            try await store.commit(txn, in: .site(site.id))
        }
        tasks.drive(volume.id, site: site.id)
        return volume
    }

    /// An image `p` may make a volume of: visible to them, active, and raw or qcow2 (400 as
    /// Cinder otherwise, also for an unknown one).
    func bootImage(_ id: String, by p: Principal) async throws -> Image {
        guard let image = try? await images.get(id, by: p).value else {
            throw ControlPlaneError.badRequest("Invalid input received: Invalid image identifier or unable to access requested image.")
        }
        guard image.status == .active else {
            throw ControlPlaneError.badRequest("Invalid input received: Image \(image.id) is not active.")
        }
        guard ["raw", "qcow2"].contains(image.diskFormat ?? "raw") else {
            throw ControlPlaneError.badRequest("Invalid input received: Image \(image.id) is \(image.diskFormat ?? ""): volumes are made from raw and qcow2 images.")
        }
        return image
    }

    /// Cinder's `volume_image_metadata` of a volume made from `image`.
    static func imageMetadata(_ image: Image) -> [String: String] {
        var meta = image.properties
        meta["image_id"] = image.id
        meta["image_name"] = image.name
        meta["container_format"] = image.containerFormat ?? "bare"
        meta["disk_format"] = image.diskFormat ?? "raw"
        meta["min_disk"] = String(image.minDiskGB)
        meta["min_ram"] = String(image.minRamMB)
        if let size = image.size { meta["size"] = String(size) }
        if let checksum = image.checksum { meta["checksum"] = checksum }
        return meta
    }

    /// For peer controllers (cluster-internal, no user): a point-in-time copy of a volume of this
    /// site in a file of this controller, for a backup at another site. The caller removes it.
    public func internalCopy(_ id: String) async throws -> (file: URL, format: String) {
        guard let normalized = ResourceID.normalized(id), let site = await sites.home(of: normalized),
              try await store.volumes(site.id).find(normalized) != nil
        else { throw Self.notFound(id) }
        let dir = configuration.dataDirectory.appendingPathComponent("backups-in-flight")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("out-\(normalized)-\(UUID().uuidString).copy")
        do {
            return (file, try await storage.driver(for: site.id).exportCopy(normalized, to: file).format)
        } catch let error as StorageError {
            try? FileManager.default.removeItem(at: file)
            throw error.code == .notFound ? Self.notFound(id) : ControlPlaneError(.internalError, error.message)
        }
    }

    /// Drops the copies this site's storage keeps of deleted images, once no volume is made over
    /// them (the controllers' periodic image sweep).
    public func pruneImageCopies() async throws {
        let driver = try storage.driver(for: configuration.site)
        let existing = Set(try await store.images.all().map(\.value.id))
        guard try await driver.listImages().contains(where: { !existing.contains($0) }) else { return }
        _ = try await driver.pruneImages(keeping: existing)
    }

    static func validate(name: String?, description: String?) throws {
        if let name, name.count > 255 { throw ControlPlaneError.badRequest("Invalid input received: name has more than 255 characters.") }
        if let description, description.count > 255 {
            throw ControlPlaneError.badRequest("Invalid input received: description has more than 255 characters.")
        }
    }

    static func validate(metadata: [String: String]) throws {
        for (key, value) in metadata {
            guard !key.isEmpty, key.count <= 255 else {
                throw ControlPlaneError.badRequest("Invalid input received: metadata keys must be 1 to 255 characters.")
            }
            guard value.count <= 255 else { throw ControlPlaneError.badRequest("Invalid input received: metadata value of \(key) has more than 255 characters.") }
        }
    }

    // MARK: read

    /// The volume with `id` if the caller may see it; 404 otherwise (also for names and non-UUIDs).
    public func get(_ id: String, by p: Principal) async throws -> Versioned<Volume> {
        guard let normalized = ResourceID.normalized(id), let site = await sites.home(of: normalized),
              let volume = try await store.volumes(site.id).find(normalized),
              p.isAdmin || volume.value.projectID == p.projectID
        else { throw Self.notFound(id) }
        return volume
    }

    /// What a volume listing keeps (Cinder's filters).
    public struct Filter: Sendable {
        public var name: String?
        public var status: String?
        public var availabilityZone: String?
        public var bootable: Bool?
        public var metadata: [String: String] = [:]
        /// Image metadata every listed volume has (`glance_metadata`, 3.4).
        public var imageMetadata: [String: String] = [:]
        /// Text the name contains (`name~`, 3.34).
        public var nameContains: String?
        /// Admins: every project's (`all_tenants`), or one project's.
        public var allProjects = false
        public var projectID: String?
        public init() {}
    }

    /// The volumes `p` may see at every site that answers in time, oldest first. Admins see
    /// their project's unless they ask for all.
    public func list(_ filter: Filter, by p: Principal) async throws -> [Volume] {
        let project = try requireProject(p)
        var zones = await sites.all()
        if let zone = filter.availabilityZone { zones = zones.filter { $0.id == zone } }
        let gathered = await scatter(zones, deadline: configuration.siteTimeout) { site in
            try await store.volumes(site.id).all().map(\.value)
        }
        let wantedProject: String? = p.isAdmin ? (filter.projectID ?? (filter.allProjects ? nil : project)) : project
        return gathered.parts.values.flatMap { $0 }.filter { v in
            if let wantedProject, v.projectID != wantedProject { return false }
            if let name = filter.name, v.name != name { return false }
            if let status = filter.status, v.status.rawValue != status { return false }
            if let bootable = filter.bootable, v.bootable != bootable { return false }
            if let part = filter.nameContains, !v.name.contains(part) { return false }
            if !filter.imageMetadata.allSatisfy({ v.imageMetadata[$0.key] == $0.value }) { return false }
            return filter.metadata.allSatisfy { v.metadata[$0.key] == $0.value }
        }
        .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    // MARK: update

    /// Changes name, description or metadata (`PUT /volumes/{id}`).
    public func update(_ id: String, name: String?, description: String?, metadata: [String: String]?, by p: Principal) async throws
        -> Volume
    {
        try requireWrite(p)
        try Self.validate(name: name, description: description)
        if let metadata { try Self.validate(metadata: metadata) }
        return try await change(id, by: p) { v in
            if let name { v.name = name }
            if let description { v.description = description }
            if let metadata { v.metadata = metadata }
        }
    }

    /// Replaces (`replace`) or merges into the volume's metadata; returns the result.
    public func setMetadata(_ id: String, _ items: [String: String], replace: Bool, by p: Principal) async throws -> [String: String] {
        try requireWrite(p)
        try Self.validate(metadata: items)
        return try await change(id, by: p) { v in
            if replace { v.metadata = items } else { v.metadata.merge(items) { _, new in new } }
        }.metadata
    }

    /// Removes one metadata key; 404 when it is not there.
    public func deleteMetadata(_ id: String, key: String, by p: Principal) async throws {
        try requireWrite(p)
        _ = try await change(id, by: p) { v in
            guard v.metadata.removeValue(forKey: key) != nil else {
                throw ControlPlaneError.notFound("Volume \(id) has no metadata with key \(key).")
            }
        }
    }

    /// Reads the volume, applies `edit` and writes it back with compare-and-set, retried on races.
    func change(_ id: String, by p: Principal, _ edit: (inout Volume) throws -> Void) async throws -> Volume {
        try await retryOnConflict {
            let current = try await get(id, by: p)
            var volume = current.value
            try edit(&volume)
            guard volume != current.value else { return volume }
            volume.updatedAt = clock.now()
            volume.revision += 1
            var txn = Transaction()
            store.volumes(volume.site).stageUpdate(volume, from: current, into: &txn)
            try await store.commit(txn, in: .site(volume.site))
            return volume
        }
    }

    /// Starts a task on the volume: `edit` checks its status and sets the transitional one; the
    /// volume is then owned by this controller and driven.
    func startTask(_ id: String, by p: Principal, _ edit: (inout Volume) throws -> Void) async throws -> Volume {
        let volume = try await change(id, by: p) { v in
            try edit(&v)
            v.taskOwner = configuration.controllerID
            v.taskDeadline = deadline()
            v.fault = nil
        }
        tasks.drive(volume.id, site: volume.site)
        return volume
    }

    // MARK: delete

    /// Deletes a volume that is not attached or busy (400 as Cinder otherwise); its bytes go as
    /// its task. `force` (admins) also deletes one stuck in a transitional or error state.
    public func delete(_ id: String, force: Bool, cascade: Bool = false, by p: Principal) async throws {
        try requireWrite(p)
        if force && !p.isAdmin { throw ControlPlaneError.forbidden("Policy doesn't allow volume:force_delete to be performed.") }
        let target = try await get(id, by: p).value
        let snapshots = try await store.snapshots(target.site).of(volume: target.id)
        if !snapshots.isEmpty && !cascade {
            throw ControlPlaneError.badRequest("Invalid volume: Volume \(target.id) has snapshots: delete them first.")
        }
        if cascade, let busy = snapshots.first(where: { ![.available, .error, .errorDeleting, .deleting].contains($0.value.status) }) {
            throw ControlPlaneError.badRequest("Invalid volume: Snapshot \(busy.value.id) is \(busy.value.status.rawValue): it cannot be deleted now.")
        }
        _ = try await startTask(id, by: p) { v in
            guard v.status != .deleting else { return }
            let deletable: Set<VolumeStatus> = [.available, .error, .errorExtending, .errorDeleting]
            guard v.attachments.isEmpty, force || deletable.contains(v.status) else {
                throw ControlPlaneError.badRequest("Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.")
            }
            v.status = .deleting
            v.pending = nil
        }
        // Cascade: the volume's snapshots go first, each as its own task; the volume's deletion
        // waits for them (its task retries while any is left).
        for snapshot in snapshots where snapshot.value.status != .deleting {
            _ = try await retryOnConflict {
                guard let current = try await store.snapshots(target.site).find(snapshot.value.id) else { return }
                var s = current.value
                s.status = .deleting
                s.taskOwner = configuration.controllerID
                s.taskDeadline = deadline()
                s.updatedAt = clock.now()
                s.revision += 1
                var txn = Transaction()
                store.snapshots(target.site).stageUpdate(s, from: current, into: &txn)
                try await store.commit(txn, in: .site(target.site))
            }
            snapshotTasks?.drive(snapshot.value.id, site: target.site)
        }
    }
}

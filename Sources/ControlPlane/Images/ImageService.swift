public import CloudModel
public import Foundation
public import StateStore

/// Glance's use cases. Metadata lives in `global`; the bytes on the disk of the site where they
/// were uploaded, which is recorded in the image's locations.
public struct ImageService: Sendable {
    let store: Store
    let configuration: ControllerConfiguration
    /// Brings bytes held at other sites here.
    public let replicator: ImageReplicator
    let clock: any WallClock
    public static let maxImageBytes = 64 << 30

    init(store: Store, configuration: ControllerConfiguration, replicator: ImageReplicator, clock: any WallClock) {
        self.clock = clock
        self.store = store
        self.configuration = configuration
        self.replicator = replicator
    }

    var directory: URL { configuration.dataDirectory.appendingPathComponent("images") }

    /// Where this controller keeps the bytes of `id`.
    public func dataURL(_ id: Image.ID) -> URL { directory.appendingPathComponent(id) }

    public func create(_ image: Image, by principal: Principal) async throws -> Image {
        guard principal.canWrite else { throw ControlPlaneError.forbidden("You are not authorized to complete add_image action.") }
        if image.visibility == .public && !principal.isAdmin {
            throw ControlPlaneError.forbidden("You are not authorized to complete publicize_image action.")
        }
        guard image.name.count <= 255 else { throw ControlPlaneError.badRequest("Image name must be at most 255 characters.") }
        var txn = Transaction()
        store.images.stagePut(image, expecting: nil, into: &txn)
        do { try await store.commit(txn, in: .global) } catch let error as StoreError where error.code == .conflict {
            throw ControlPlaneError.conflict("An image with identifier \(image.id) already exists")
        }
        return image
    }

    /// The image if the caller may see it; 404 otherwise (also for names and malformed IDs).
    public func get(_ id: String, by principal: Principal) async throws -> Versioned<Image> {
        guard let normalized = ResourceID.normalized(id), let image = try await store.images.find(normalized),
              image.value.isVisible(to: principal.projectID ?? "", isAdmin: principal.isAdmin)
        else { throw ControlPlaneError.notFound("No image found with ID \(id)") }
        return image
    }

    public func list(_ query: ImageQuery, by principal: Principal) async throws -> [Image] {
        let project = principal.projectID ?? ""
        var images = try await store.images.all().map(\.value).filter { image in
            guard image.isVisible(to: project, isAdmin: principal.isAdmin) || image.visibility == .shared && image.owner == project
            else { return false }
            if !principal.isAdmin, image.visibility == .community, image.owner != project, query.visibility != "community" { return false }
            if image.hidden != query.hidden && !(query.ids != nil) { return false }
            if let name = query.name, image.name != name { return false }
            if let ids = query.ids, !ids.contains(image.id) { return false }
            if let status = query.status, image.status.rawValue != status { return false }
            if let visibility = query.visibility, visibility != "all", image.visibility.rawValue != visibility { return false }
            if let owner = query.owner, image.owner != owner { return false }
            if let format = query.containerFormat, image.containerFormat != format { return false }
            if let format = query.diskFormat, image.diskFormat != format { return false }
            if let min = query.sizeMin, (image.size ?? -1) < min { return false }
            if let max = query.sizeMax, (image.size ?? Int.max) > max { return false }
            if !query.tags.allSatisfy(image.tags.contains) { return false }
            return true
        }
        let key = query.sortKey, ascending = query.ascending
        images.sort { a, b in
            let ordered: Bool? = switch key {
            case "name": a.name == b.name ? nil : a.name < b.name
            case "size": a.size == b.size ? nil : (a.size ?? -1) < (b.size ?? -1)
            case "updated_at": a.updatedAt == b.updatedAt ? nil : a.updatedAt < b.updatedAt
            case "status": a.status == b.status ? nil : a.status.rawValue < b.status.rawValue
            case "id": nil
            default: a.createdAt == b.createdAt ? nil : a.createdAt < b.createdAt
            }
            return ordered.map { ascending ? $0 : !$0 } ?? (ascending ? a.id < b.id : a.id > b.id)
        }
        if let marker = query.marker {
            guard let index = images.firstIndex(where: { $0.id == marker }) else {
                throw ControlPlaneError.badRequest("marker \(marker) could not be found.")
            }
            images.removeFirst(index + 1)
        }
        if let limit = query.limit { images = Array(images.prefix(limit)) }
        return images
    }

    /// Applies `changes` atomically (owner or admin only).
    public func update(_ id: String, _ changes: [ImageChange], by principal: Principal) async throws -> Image {
        try await retryOnConflict {
            let current = try await get(id, by: principal)
            guard principal.isAdmin || current.value.owner == principal.projectID, principal.canWrite else {
                throw ControlPlaneError.forbidden("You are not authorized to complete modify_image action.")
            }
            var image = current.value
            for change in changes {
                switch change {
                case let .name(name):
                    guard name.count <= 255 else { throw ControlPlaneError.badRequest("Image name must be at most 255 characters.") }
                    image.name = name
                case let .visibility(visibility):
                    if visibility == .public && !principal.isAdmin {
                        throw ControlPlaneError.forbidden("You are not authorized to complete publicize_image action.")
                    }
                    image.visibility = visibility
                case let .minDiskGB(value): image.minDiskGB = value
                case let .minRamMB(value): image.minRamMB = value
                case let .protected(value): image.protected = value
                case let .hidden(value): image.hidden = value
                case let .tags(tags): image.tags = tags
                case let .diskFormat(format), let .containerFormat(format):
                    guard image.status == .queued else {
                        throw ControlPlaneError.forbidden("Attribute container_format can be only replaced for a queued image.")
                    }
                    if case .diskFormat = change { image.diskFormat = format } else { image.containerFormat = format }
                case let .setProperty(key, value): image.properties[key] = value
                case let .removeProperty(key):
                    guard image.properties.removeValue(forKey: key) != nil else {
                        throw ControlPlaneError.conflict("Property \(key) does not exist.")
                    }
                }
            }
            image.updatedAt = clock.now()
            var txn = Transaction()
            store.images.stagePut(image, expecting: current.revision, into: &txn)
            try await store.commit(txn, in: .global)
            return image
        }
    }

    public func delete(_ id: String, by principal: Principal) async throws {
        let current = try await get(id, by: principal)
        guard principal.isAdmin || current.value.owner == principal.projectID, principal.canWrite else {
            throw ControlPlaneError.forbidden("You are not authorized to complete delete_image action.")
        }
        guard !current.value.protected else { throw ControlPlaneError.forbidden("Image \(id) is protected and cannot be deleted.") }
        var txn = Transaction()
        store.images.stageDelete(current, into: &txn)
        try await store.commit(txn, in: .global)
        try? FileManager.default.removeItem(at: dataURL(current.value.id))
    }

    // MARK: data

    /// Starts receiving the bytes of a queued image (owner only); marks it `saving`.
    public func beginUpload(_ id: String, by principal: Principal) async throws -> ImageUpload {
        let image = try await retryOnConflict {
            let current = try await get(id, by: principal)
            guard principal.isAdmin || current.value.owner == principal.projectID, principal.canWrite else {
                throw ControlPlaneError.forbidden("You are not authorized to complete upload_image action.")
            }
            guard current.value.status == .queued else {
                throw ControlPlaneError.conflict("Image status transition from \(current.value.status.rawValue) to saving is not allowed")
            }
            guard current.value.diskFormat != nil, current.value.containerFormat != nil else {
                throw ControlPlaneError.badRequest("Properties disk_format, container_format must be set prior to saving data.")
            }
            var image = current.value
            image.status = .saving
            image.updatedAt = clock.now()
            var txn = Transaction()
            store.images.stagePut(image, expecting: current.revision, into: &txn)
            try await store.commit(txn, in: .global)
            return image
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return try ImageUpload(imageID: image.id, temporary: directory.appendingPathComponent(".\(image.id).partial"),
                                   destination: dataURL(image.id), maxBytes: Self.maxImageBytes)
        } catch {
            try? await revertUpload(image.id)
            throw ControlPlaneError(.unavailable, "Cannot store image data: \(error)")
        }
    }

    /// Publishes the received bytes: the image becomes `active` with its size and hashes.
    public func finishUpload(_ upload: ImageUpload) async throws -> Image {
        let (md5, sha512): (String, String)
        do {
            (md5, sha512) = try await upload.seal()
        } catch {
            upload.abort()
            try? await revertUpload(upload.imageID)
            throw ControlPlaneError(.unavailable, "Cannot store image data: \(error)")
        }
        return try await retryOnConflict {
            guard let current = try await store.images.find(upload.imageID) else {
                try? FileManager.default.removeItem(at: upload.destination)
                throw ControlPlaneError.notFound("Image \(upload.imageID) was deleted during upload.")
            }
            var image = current.value
            image.status = .active
            image.size = upload.size
            image.checksum = md5
            image.hashAlgo = "sha512"
            image.hashValue = sha512
            image.locations = [configuration.site]
            image.updatedAt = clock.now()
            var txn = Transaction()
            store.images.stagePut(image, expecting: current.revision, into: &txn)
            try await store.commit(txn, in: .global)
            return image
        }
    }

    /// Gives up an upload: the image goes back to `queued`.
    public func abortUpload(_ upload: ImageUpload) async {
        upload.abort()
        try? await revertUpload(upload.imageID)
    }

    private func revertUpload(_ id: Image.ID) async throws {
        try await retryOnConflict {
            guard let current = try await store.images.find(id), current.value.status == .saving else { return }
            var image = current.value
            image.status = .queued
            var txn = Transaction()
            store.images.stagePut(image, expecting: current.revision, into: &txn)
            try await store.commit(txn, in: .global)
        }
    }

    /// The file holding the image's bytes, or nil when none was uploaded (the API answers 204).
    /// Bytes held only at other sites are fetched to this site first.
    public func dataFile(_ id: String, by principal: Principal) async throws -> (Image, URL)? {
        let image = try await get(id, by: principal).value
        guard image.status == .active else { return nil }
        return (image, try await replicator.localFile(for: image))
    }

    /// For hosts and peer controllers (cluster-internal, no user): the image and its local file,
    /// fetched from another site unless `localOnly`.
    public func internalDataFile(_ id: String, localOnly: Bool) async throws -> (Image, URL) {
        guard let normalized = ResourceID.normalized(id), let image = try await store.images.find(normalized)?.value,
              image.status == .active
        else { throw ControlPlaneError.notFound("No active image with ID \(id)") }
        if localOnly {
            guard FileManager.default.fileExists(atPath: dataURL(image.id).path) else {
                throw ControlPlaneError.notFound("Site \(configuration.site) does not hold the data of image \(id)")
            }
            return (image, dataURL(image.id))
        }
        return (image, try await replicator.localFile(for: image))
    }
}

public import Foundation
import LUCBase
public import StorageDriver

/// Volumes as files in one directory that every host of the site sees (the site's shared
/// storage): `<directory>/<id>.qcow2`, made and grown with `qemu-img`, or, on a machine without
/// it, sparse raw files `<directory>/<id>.raw`. Snapshots are full copies in
/// `<directory>/snapshots/` (copy-on-write chains would tie a volume to its snapshots). Images
/// are kept once per site in `<directory>/images/` (a hard link to the image service's file
/// where they share a file system); a qcow2 volume from an image is an overlay over that copy.
/// Backups (copies from any site's storage) are kept in `<directory>/backups/`.
/// A file appears under its name only once complete
/// (written aside, then renamed), so a crash mid-create leaves no half-made volume, only a
/// `.part` file that the next create of that ID replaces.
public struct FileStorageDriver: StorageDriver {
    /// How volumes are kept.
    public enum Format: String, Sendable {
        /// qcow2 images (`qemu-img`): copy-on-write clones later, snapshots inside the file.
        case qcow2
        /// Sparse raw files: no tool needed.
        case raw
    }

    public let directory: URL
    public let format: Format

    public init(directory: URL, format: Format = Self.preferredFormat) throws {
        self.directory = directory
        self.format = format
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// qcow2 where `qemu-img` is installed, raw otherwise.
    public static var preferredFormat: Format {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let found = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/qemu-img") }
        return found ? .qcow2 : .raw
    }

    func url(_ id: String, snapshot: Bool = false, backup: Bool = false) throws -> URL {
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw StorageError(.invalid, "'\(id)' is not a volume ID.")
        }
        let dir = snapshot ? directory.appendingPathComponent("snapshots")
            : backup ? directory.appendingPathComponent("backups") : directory
        return dir.appendingPathComponent(id + "." + format.rawValue)
    }

    func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    func qemuImg(_ arguments: [String]) async throws -> String {
        do {
            return try await HostCommand.run("qemu-img", arguments, timeout: .seconds(600)).output
        } catch {
            throw StorageError(.failed, "qemu-img \(arguments.first ?? ""): \(error)")
        }
    }

    /// The file's virtual size in GiB (rounded up).
    func sizeGB(_ url: URL) async throws -> Int {
        if format == .raw {
            let bytes = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? 0
            return Int((bytes + (1 << 30) - 1) >> 30)
        }
        let json = try await qemuImg(["info", "--output=json", "-U", url.path])
        guard let info = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let bytes = (info["virtual-size"] as? NSNumber)?.int64Value
        else { throw StorageError(.failed, "qemu-img cannot read \(url.lastPathComponent)") }
        return Int((bytes + (1 << 30) - 1) >> 30)
    }

    func file(_ id: String, _ url: URL) async throws -> VolumeFile {
        VolumeFile(id: id, path: url.path, format: format.rawValue, sizeGB: try await sizeGB(url))
    }

    /// Runs `make` on a `.part` file and renames it into place.
    func publish(_ url: URL, _ make: (URL) async throws -> Void) async throws {
        let part = url.appendingPathExtension("part")
        try? FileManager.default.removeItem(at: part)
        do {
            try await make(part)
            try FileManager.default.moveItem(at: part, to: url)
        } catch {
            try? FileManager.default.removeItem(at: part)
            throw error as? StorageError ?? StorageError(.failed, "\(error)")
        }
    }

    public func create(_ id: String, sizeGB: Int) async throws -> VolumeFile {
        guard sizeGB >= 1 else { throw StorageError(.invalid, "Volume size must be at least 1 GiB, not \(sizeGB).") }
        let url = try url(id)
        guard !exists(url) else { return try await file(id, url) }
        try await publish(url) { part in
            switch format {
            case .qcow2: _ = try await qemuImg(["create", "-q", "-f", "qcow2", part.path, "\(sizeGB)G"])
            case .raw: try Self.truncate(part, to: sizeGB, creating: true)
            }
        }
        // Just made at the size asked: no `qemu-img info` to learn it (a process less per create).
        return VolumeFile(id: id, path: url.path, format: format.rawValue, sizeGB: sizeGB)
    }

    public func clone(_ id: String, from sourceID: String, sizeGB: Int) async throws -> VolumeFile {
        try await copy(try url(sourceID), named: "volume \(sourceID)", to: try url(id), id: id, sizeGB: sizeGB)
    }

    public func clone(_ id: String, fromSnapshot snapshotID: String, sizeGB: Int) async throws -> VolumeFile {
        try await copy(try url(snapshotID, snapshot: true), named: "snapshot \(snapshotID)", to: try url(id), id: id, sizeGB: sizeGB)
    }

    public func snapshot(_ snapshotID: String, of volumeID: String) async throws -> VolumeFile {
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("snapshots"), withIntermediateDirectories: true)
        return try await copy(try url(volumeID), named: "volume \(volumeID)", to: try url(snapshotID, snapshot: true), id: snapshotID,
                              sizeGB: nil)
    }

    public func revert(_ id: String, toSnapshot snapshotID: String) async throws -> VolumeFile {
        let target = try url(id), source = try url(snapshotID, snapshot: true)
        guard exists(target) else { throw StorageError(.notFound, "No volume \(id).") }
        guard exists(source) else { throw StorageError(.notFound, "No snapshot \(snapshotID).") }
        let part = target.appendingPathExtension("revert")
        try? FileManager.default.removeItem(at: part)
        do {
            switch format {
            case .qcow2: _ = try await qemuImg(["convert", "-q", "-U", "-f", "qcow2", "-O", "qcow2", source.path, part.path])
            case .raw: try await HostCommand.run("cp", ["--sparse=always", source.path, part.path])
            }
            // rename(2) replaces the volume's file in one step.
            guard rename(part.path, target.path) == 0 else { throw StorageError(.failed, "rename of \(part.lastPathComponent) failed") }
        } catch {
            try? FileManager.default.removeItem(at: part)
            throw error as? StorageError ?? StorageError(.failed, "revert of \(id): \(error)")
        }
        return try await file(id, target)
    }

    public func deleteSnapshot(_ snapshotID: String) async throws {
        let url = try url(snapshotID, snapshot: true)
        for file in [url, url.appendingPathExtension("part")] where exists(file) {
            do { try FileManager.default.removeItem(at: file) } catch { throw StorageError(.failed, "\(error)") }
        }
    }

    public func listSnapshots() async throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("snapshots").path)) ?? []
        let suffix = "." + format.rawValue
        return names.filter { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) }.sorted()
    }

    /// Copies `source` (a volume or snapshot) to a new file `url`, grown to `sizeGB` (nil: as is).
    /// Idempotent: an existing `url` is reported as it is.
    func copy(_ source: URL, named name: String, to url: URL, id: String, sizeGB wanted: Int?) async throws -> VolumeFile {
        if !exists(url) {
            guard exists(source) else { throw StorageError(.notFound, "No \(name).") }
            let have = try await self.sizeGB(source)
            let sizeGB = wanted ?? have
            guard sizeGB >= have else { throw StorageError(.invalid, "A copy of \(name) needs at least \(have) GiB.") }
            try await publish(url) { part in
                switch format {
                case .qcow2:
                    _ = try await qemuImg(["convert", "-q", "-U", "-f", "qcow2", "-O", "qcow2", source.path, part.path])
                    if sizeGB > have { _ = try await qemuImg(["resize", "-q", part.path, "\(sizeGB)G"]) }
                case .raw:
                    do { try await HostCommand.run("cp", ["--sparse=always", source.path, part.path]) } catch {
                        throw StorageError(.failed, "copy of \(name): \(error)")
                    }
                    if sizeGB > have { try Self.truncate(part, to: sizeGB, creating: false) }
                }
            }
        }
        return try await file(id, url)
    }

    public func exportCopy(_ volumeID: String, to file: URL) async throws -> VolumeFile {
        let source = try url(volumeID)
        guard exists(source) else { throw StorageError(.notFound, "No volume \(volumeID).") }
        try? FileManager.default.removeItem(at: file)
        switch format {
        case .qcow2: _ = try await qemuImg(["convert", "-q", "-U", "-f", "qcow2", "-O", "qcow2", source.path, file.path])
        case .raw:
            do { try await HostCommand.run("cp", ["--sparse=always", source.path, file.path]) } catch {
                throw StorageError(.failed, "copy of volume \(volumeID): \(error)")
            }
        }
        return VolumeFile(id: volumeID, path: file.path, format: format.rawValue, sizeGB: try await sizeGB(file))
    }

    public func storeBackup(_ backupID: String, from file: URL, format incoming: String) async throws -> VolumeFile {
        let target = try url(backupID, backup: true)
        if !exists(target) {
            guard exists(file) else { throw StorageError(.notFound, "No copy at \(file.path).") }
            guard ["raw", "qcow2"].contains(incoming), format == .qcow2 || incoming == "raw" else {
                throw StorageError(.invalid, "A \(incoming) copy cannot be kept by this \(format.rawValue) storage.")
            }
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try await publish(target) { part in
                if incoming == format.rawValue {
                    do { try FileManager.default.moveItem(at: file, to: part) } catch {
                        do { try await HostCommand.run("cp", ["--sparse=always", file.path, part.path]) } catch {
                            throw StorageError(.failed, "copy of backup \(backupID): \(error)")
                        }
                    }
                } else {
                    _ = try await qemuImg(["convert", "-q", "-f", incoming, "-O", format.rawValue, file.path, part.path])
                }
            }
        }
        try? FileManager.default.removeItem(at: file)
        return try await self.file(backupID, target)
    }

    public func clone(_ id: String, fromBackup backupID: String, sizeGB: Int) async throws -> VolumeFile {
        try await copy(try url(backupID, backup: true), named: "backup \(backupID)", to: try url(id), id: id, sizeGB: sizeGB)
    }

    public func deleteBackup(_ backupID: String) async throws {
        let url = try url(backupID, backup: true)
        for file in [url, url.appendingPathExtension("part")] where exists(file) {
            do { try FileManager.default.removeItem(at: file) } catch { throw StorageError(.failed, "\(error)") }
        }
    }

    public func listBackups() async throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("backups").path)) ?? []
        let suffix = "." + format.rawValue
        return names.filter { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) }.sorted()
    }

    var imagesDirectory: URL { directory.appendingPathComponent("images") }

    public func clone(_ id: String, fromImage image: StorageImage, sizeGB: Int) async throws -> VolumeFile {
        let url = try url(id)
        if exists(url) { return try await file(id, url) }
        guard sizeGB >= 1 else { throw StorageError(.invalid, "Volume size must be at least 1 GiB, not \(sizeGB).") }
        guard ["raw", "qcow2"].contains(image.format), format == .qcow2 || image.format == "raw" else {
            throw StorageError(.invalid, "Image \(image.id) is \(image.format); this storage makes volumes from raw\(format == .qcow2 ? " and qcow2" : "") images.")
        }
        let base = try await cachedImage(image)
        let have = try await virtualSizeGB(base, format: image.format)
        guard sizeGB >= have else {
            throw StorageError(.invalid, "Image \(image.id) is \(have) GiB: a volume of \(sizeGB) GiB cannot hold it.")
        }
        try await publish(url) { part in
            switch format {
            case .qcow2:
                _ = try await qemuImg(["create", "-q", "-f", "qcow2", "-b", base.path, "-F", image.format, part.path, "\(sizeGB)G"])
            case .raw:
                do { try await HostCommand.run("cp", ["--sparse=always", base.path, part.path]) } catch {
                    throw StorageError(.failed, "copy of image \(image.id): \(error)")
                }
                try Self.truncate(part, to: sizeGB, creating: false)
            }
        }
        return VolumeFile(id: id, path: url.path, format: format.rawValue, sizeGB: sizeGB)
    }

    /// The site's copy of the image, made on first use: a hard link to the image service's file,
    /// or a copy where they are on different file systems.
    func cachedImage(_ image: StorageImage) async throws -> URL {
        guard !image.id.isEmpty, image.id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw StorageError(.invalid, "'\(image.id)' is not an image ID.")
        }
        let cached = imagesDirectory.appendingPathComponent(image.id + "." + image.format)
        if exists(cached) { return cached }
        guard exists(URL(fileURLWithPath: image.path)) else { throw StorageError(.notFound, "The bytes of image \(image.id) are not here.") }
        try FileManager.default.createDirectory(at: imagesDirectory, withIntermediateDirectories: true)
        try await publish(cached) { part in
            do {
                try FileManager.default.linkItem(atPath: image.path, toPath: part.path)
            } catch {
                do { try await HostCommand.run("cp", ["--sparse=always", image.path, part.path]) } catch {
                    throw StorageError(.failed, "copy of image \(image.id): \(error)")
                }
            }
        }
        return cached
    }

    /// The virtual size in GiB (rounded up) of a file in `format`.
    func virtualSizeGB(_ url: URL, format imageFormat: String) async throws -> Int {
        if imageFormat == "raw" {
            let bytes = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? 0
            return Int((bytes + (1 << 30) - 1) >> 30)
        }
        return try await sizeGB(url)
    }

    public func listImages() async throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: imagesDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".raw") || $0.hasSuffix(".qcow2") }
            .map { String($0[..<$0.lastIndex(of: ".")!]) }.sorted()
    }

    public func pruneImages(keeping: Set<String>) async throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: imagesDirectory.path)) ?? []
        var inUse: Set<String> = []
        if format == .qcow2 {
            for id in try await list() {
                let json = try await qemuImg(["info", "--output=json", "-U", try url(id).path])
                let info = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
                if let backing = info?["backing-filename"] as? String { inUse.insert(URL(fileURLWithPath: backing).lastPathComponent) }
            }
        }
        var removed: [String] = []
        for name in names where !name.hasSuffix(".part") && !inUse.contains(name) {
            let id = String(name[..<(name.lastIndex(of: ".") ?? name.endIndex)])
            guard !keeping.contains(id) else { continue }
            do { try FileManager.default.removeItem(at: imagesDirectory.appendingPathComponent(name)) } catch {
                throw StorageError(.failed, "\(error)")
            }
            removed.append(id)
        }
        return removed.sorted()
    }

    public func extend(_ id: String, sizeGB: Int) async throws -> VolumeFile {
        let url = try url(id)
        guard exists(url) else { throw StorageError(.notFound, "No volume \(id).") }
        let have = try await self.sizeGB(url)
        guard sizeGB >= have else { throw StorageError(.invalid, "Volume \(id) has \(have) GiB; it cannot shrink to \(sizeGB).") }
        if sizeGB > have {
            switch format {
            case .qcow2: _ = try await qemuImg(["resize", "-q", url.path, "\(sizeGB)G"])
            case .raw: try Self.truncate(url, to: sizeGB, creating: false)
            }
        }
        return try await file(id, url)
    }

    /// Sets a raw file's length to `sizeGB` GiB (a sparse hole: no bytes written).
    static func truncate(_ url: URL, to sizeGB: Int, creating: Bool) throws {
        do {
            if creating { guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw StorageError(.failed, "cannot create \(url.path)") } }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.truncate(atOffset: UInt64(sizeGB) << 30)
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(.failed, "\(url.lastPathComponent): \(error)")
        }
    }

    public func delete(_ id: String) async throws {
        let url = try url(id)
        for file in [url, url.appendingPathExtension("part")] where exists(file) {
            do { try FileManager.default.removeItem(at: file) } catch { throw StorageError(.failed, "\(error)") }
        }
    }

    public func export(_ id: String) async throws -> VolumeFile {
        let url = try url(id)
        guard exists(url) else { throw StorageError(.notFound, "No volume \(id).") }
        return try await file(id, url)
    }

    public func list() async throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let suffix = "." + format.rawValue
        return names.filter { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) }.sorted()
    }
}

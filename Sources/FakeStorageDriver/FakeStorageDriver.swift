public import Foundation
public import StorageDriver

/// Volumes kept in memory, for tests and scale simulation: no bytes, only sizes. `failNext`
/// makes the next call fail, to test what the control plane does with a storage failure.
public actor FakeStorageDriver: StorageDriver {
    private var sizes: [String: Int] = [:]
    private var snapshots: [String: Int] = [:]
    private var failures: [String] = []
    /// Cached images, and the image each volume made from one is over.
    private var images: Set<String> = []
    private var over: [String: String] = [:]
    private var backups: [String: Int] = [:]
    private let root: String

    /// - Parameter root: the directory the reported paths pretend to be in.
    public init(root: String = "/fake-storage") {
        self.root = root
    }

    /// The next operation fails with `StorageError.failed` and this message.
    public func failNext(_ message: String) { failures.append(message) }

    private func injected() throws {
        if !failures.isEmpty { throw StorageError(.failed, failures.removeFirst()) }
    }

    private func file(_ id: String, _ size: Int) -> VolumeFile {
        VolumeFile(id: id, path: "\(root)/\(id)", format: "raw", sizeGB: size)
    }

    public func create(_ id: String, sizeGB: Int) async throws -> VolumeFile {
        try injected()
        guard sizeGB >= 1 else { throw StorageError(.invalid, "Volume size must be at least 1 GiB, not \(sizeGB).") }
        if let size = sizes[id] { return file(id, size) }
        sizes[id] = sizeGB
        return file(id, sizeGB)
    }

    public func clone(_ id: String, from sourceID: String, sizeGB: Int) async throws -> VolumeFile {
        try injected()
        guard let source = sizes[sourceID] else { throw StorageError(.notFound, "No volume \(sourceID).") }
        guard sizeGB >= source else { throw StorageError(.invalid, "A clone of \(sourceID) needs at least \(source) GiB.") }
        if let size = sizes[id] { return file(id, size) }
        sizes[id] = sizeGB
        return file(id, sizeGB)
    }

    public func clone(_ id: String, fromImage image: StorageImage, sizeGB: Int) async throws -> VolumeFile {
        try injected()
        if let size = sizes[id] { return file(id, size) }
        guard sizeGB >= 1 else { throw StorageError(.invalid, "Volume size must be at least 1 GiB, not \(sizeGB).") }
        guard ["raw", "qcow2"].contains(image.format) else { throw StorageError(.invalid, "Image \(image.id) is \(image.format).") }
        if !images.contains(image.id) {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: image.path) else {
                throw StorageError(.notFound, "The bytes of image \(image.id) are not here.")
            }
            let bytes = (attributes[.size] as? NSNumber)?.int64Value ?? 0
            guard Int64(sizeGB) << 30 >= bytes else { throw StorageError(.invalid, "Image \(image.id) does not fit in \(sizeGB) GiB.") }
            images.insert(image.id)
        }
        sizes[id] = sizeGB
        over[id] = image.id
        return file(id, sizeGB)
    }

    public func listImages() async throws -> [String] { images.sorted() }

    public func pruneImages(keeping: Set<String>) async throws -> [String] {
        let used = Set(over.filter { sizes[$0.key] != nil }.values)
        let gone = images.subtracting(keeping).subtracting(used)
        images.subtract(gone)
        return gone.sorted()
    }

    public func extend(_ id: String, sizeGB: Int) async throws -> VolumeFile {
        try injected()
        guard let size = sizes[id] else { throw StorageError(.notFound, "No volume \(id).") }
        guard sizeGB >= size else { throw StorageError(.invalid, "Volume \(id) has \(size) GiB; it cannot shrink to \(sizeGB).") }
        sizes[id] = sizeGB
        return file(id, sizeGB)
    }

    public func delete(_ id: String) async throws {
        try injected()
        sizes[id] = nil
        over[id] = nil
    }

    public func export(_ id: String) async throws -> VolumeFile {
        try injected()
        guard let size = sizes[id] else { throw StorageError(.notFound, "No volume \(id).") }
        return file(id, size)
    }

    public func list() async throws -> [String] { sizes.keys.sorted() }

    public func snapshot(_ snapshotID: String, of volumeID: String) async throws -> VolumeFile {
        try injected()
        if let size = snapshots[snapshotID] { return VolumeFile(id: snapshotID, path: "\(root)/snapshots/\(snapshotID)", format: "raw", sizeGB: size) }
        guard let size = sizes[volumeID] else { throw StorageError(.notFound, "No volume \(volumeID).") }
        snapshots[snapshotID] = size
        return VolumeFile(id: snapshotID, path: "\(root)/snapshots/\(snapshotID)", format: "raw", sizeGB: size)
    }

    public func clone(_ id: String, fromSnapshot snapshotID: String, sizeGB: Int) async throws -> VolumeFile {
        try injected()
        guard let source = snapshots[snapshotID] else { throw StorageError(.notFound, "No snapshot \(snapshotID).") }
        guard sizeGB >= source else { throw StorageError(.invalid, "A volume from snapshot \(snapshotID) needs at least \(source) GiB.") }
        if let size = sizes[id] { return file(id, size) }
        sizes[id] = sizeGB
        return file(id, sizeGB)
    }

    public func revert(_ id: String, toSnapshot snapshotID: String) async throws -> VolumeFile {
        try injected()
        guard sizes[id] != nil else { throw StorageError(.notFound, "No volume \(id).") }
        guard let size = snapshots[snapshotID] else { throw StorageError(.notFound, "No snapshot \(snapshotID).") }
        sizes[id] = size
        return file(id, size)
    }

    public func deleteSnapshot(_ snapshotID: String) async throws {
        try injected()
        snapshots[snapshotID] = nil
    }

    public func listSnapshots() async throws -> [String] { snapshots.keys.sorted() }

    /// The copy is a small file naming the volume's size: it travels like a real one.
    public func exportCopy(_ volumeID: String, to file: URL) async throws -> VolumeFile {
        try injected()
        guard let size = sizes[volumeID] else { throw StorageError(.notFound, "No volume \(volumeID).") }
        do { try Data("fake-volume \(size)\n".utf8).write(to: file) } catch { throw StorageError(.failed, "\(error)") }
        return VolumeFile(id: volumeID, path: file.path, format: "raw", sizeGB: size)
    }

    public func storeBackup(_ backupID: String, from file: URL, format: String) async throws -> VolumeFile {
        try injected()
        if let size = backups[backupID] { return VolumeFile(id: backupID, path: "\(root)/backups/\(backupID)", format: "raw", sizeGB: size) }
        guard ["raw", "qcow2"].contains(format) else { throw StorageError(.invalid, "A \(format) copy cannot be kept.") }
        guard let data = try? Data(contentsOf: file) else { throw StorageError(.notFound, "No copy at \(file.path).") }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("fake-volume "), let size = Int(text.dropFirst("fake-volume ".count)) else {
            throw StorageError(.invalid, "\(file.path) is not a copy made by a fake storage.")
        }
        backups[backupID] = size
        try? FileManager.default.removeItem(at: file)
        return VolumeFile(id: backupID, path: "\(root)/backups/\(backupID)", format: "raw", sizeGB: size)
    }

    public func clone(_ id: String, fromBackup backupID: String, sizeGB: Int) async throws -> VolumeFile {
        try injected()
        guard let source = backups[backupID] else { throw StorageError(.notFound, "No backup \(backupID).") }
        guard sizeGB >= source else { throw StorageError(.invalid, "A volume from backup \(backupID) needs at least \(source) GiB.") }
        if let size = sizes[id] { return file(id, size) }
        sizes[id] = sizeGB
        return file(id, sizeGB)
    }

    public func deleteBackup(_ backupID: String) async throws {
        try injected()
        backups[backupID] = nil
    }

    public func listBackups() async throws -> [String] { backups.keys.sorted() }
}

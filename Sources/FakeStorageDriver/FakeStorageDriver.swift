public import StorageDriver

/// Volumes kept in memory, for tests and scale simulation: no bytes, only sizes. `failNext`
/// makes the next call fail, to test what the control plane does with a storage failure.
public actor FakeStorageDriver: StorageDriver {
    private var sizes: [String: Int] = [:]
    private var snapshots: [String: Int] = [:]
    private var failures: [String] = []
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

    public func deleteSnapshot(_ snapshotID: String) async throws {
        try injected()
        snapshots[snapshotID] = nil
    }

    public func listSnapshots() async throws -> [String] { snapshots.keys.sorted() }
}

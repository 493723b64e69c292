import Foundation
public import StorageDriver

/// The contract of `StorageDriver`, checked against any driver. Each check gets a fresh driver.
public enum StorageConformance {
    public typealias Check = @Sendable (any StorageDriver) async throws -> Void

    public static let checks: [(String, Check)] = [
        ("create makes an empty volume of the size asked, idempotently", create),
        ("a size below 1 GiB is invalid and leaves nothing", invalidSize),
        ("clone copies a volume into an independent one of at least its size", clone),
        ("extend grows, keeps an equal size and refuses to shrink", extend),
        ("delete removes the volume and is idempotent", delete),
        ("operations on a missing volume are notFound", missing),
        ("a snapshot outlives its volume and new volumes are made from it", snapshots),
        ("a copy exported from one storage is kept as a backup by another and restored there", backups),
        ("volumes from an image share the site's copy, which outlives the image while they need it", fromImage),
    ]

    static func create(_ d: any StorageDriver) async throws {
        let file = try await d.create("v-1", sizeGB: 1)
        try require(file.id == "v-1" && file.sizeGB == 1, "created \(file)")
        try require(!file.path.isEmpty && ["raw", "qcow2"].contains(file.format), "created file \(file)")
        let again = try await d.create("v-1", sizeGB: 1)
        try require(again == file, "second create changed the volume: \(again)")
        try require(try await d.export("v-1") == file, "export after create")
        try require(try await d.list() == ["v-1"], "list after create")
    }

    static func invalidSize(_ d: any StorageDriver) async throws {
        for size in [0, -1] {
            do {
                _ = try await d.create("v-bad", sizeGB: size)
                throw ConformanceFailure("size \(size) was accepted")
            } catch let error as StorageError {
                try require(error.code == .invalid, "size \(size): \(error)")
            }
        }
        let left = try await d.list()
        try require(left.isEmpty, "an invalid create left \(left)")
    }

    static func clone(_ d: any StorageDriver) async throws {
        _ = try await d.create("src", sizeGB: 1)
        let copy = try await d.clone("dst", from: "src", sizeGB: 2)
        try require(copy.sizeGB == 2 && copy.id == "dst", "clone \(copy)")
        try require(copy.path != (try await d.export("src")).path, "clone shares the source's file")
        do {
            _ = try await d.clone("small", from: "dst", sizeGB: 1)
            throw ConformanceFailure("a clone smaller than its source was made")
        } catch let error as StorageError {
            try require(error.code == .invalid, "smaller clone: \(error)")
        }
        try await d.delete("src")
        try require(try await d.export("dst").sizeGB == 2, "the clone went with its source")
        let listed = try await d.list()
        try require(listed == ["dst"], "list after clone and delete: \(listed)")
    }

    static func extend(_ d: any StorageDriver) async throws {
        _ = try await d.create("e", sizeGB: 1)
        try require(try await d.extend("e", sizeGB: 3).sizeGB == 3, "extend to 3")
        try require(try await d.extend("e", sizeGB: 3).sizeGB == 3, "extend to the same size")
        try require(try await d.export("e").sizeGB == 3, "export after extend")
        do {
            _ = try await d.extend("e", sizeGB: 2)
            throw ConformanceFailure("a volume shrank")
        } catch let error as StorageError {
            try require(error.code == .invalid, "shrink: \(error)")
        }
    }

    static func delete(_ d: any StorageDriver) async throws {
        let file = try await d.create("d", sizeGB: 1)
        try await d.delete("d")
        try await d.delete("d")
        try require(try await d.list().isEmpty, "list after delete")
        if file.path.hasPrefix("/"), !file.path.hasPrefix("/fake-storage") {
            try require(!FileManager.default.fileExists(atPath: file.path), "\(file.path) left on disk")
        }
    }

    static func snapshots(_ d: any StorageDriver) async throws {
        _ = try await d.create("v", sizeGB: 2)
        let snap = try await d.snapshot("s", of: "v")
        try require(snap.id == "s" && snap.sizeGB == 2, "snapshot \(snap)")
        try require(try await d.snapshot("s", of: "v") == snap, "second snapshot changed it")
        try require(snap.path != (try await d.export("v")).path, "the snapshot shares the volume's file")
        let reverted = try await d.revert("v", toSnapshot: "s")
        let exported = try await d.export("v")
        try require(reverted.sizeGB == 2 && reverted.path == exported.path, "revert \(reverted)")
        do {
            _ = try await d.revert("v", toSnapshot: "nope")
            throw ConformanceFailure("a revert to a missing snapshot succeeded")
        } catch let error as StorageError {
            try require(error.code == .notFound, "revert to a missing snapshot: \(error)")
        }
        try await d.delete("v")
        let made = try await d.clone("w", fromSnapshot: "s", sizeGB: 3)
        try require(made.sizeGB == 3, "volume from the snapshot: \(made)")
        do {
            _ = try await d.clone("small", fromSnapshot: "s", sizeGB: 1)
            throw ConformanceFailure("a volume smaller than its snapshot was made")
        } catch let error as StorageError {
            try require(error.code == .invalid, "smaller volume: \(error)")
        }
        do {
            _ = try await d.snapshot("s2", of: "v")
            throw ConformanceFailure("a snapshot of a deleted volume was made")
        } catch let error as StorageError {
            try require(error.code == .notFound, "snapshot of a missing volume: \(error)")
        }
        try require(try await d.listSnapshots() == ["s"], "snapshots listed")
        try await d.deleteSnapshot("s")
        try await d.deleteSnapshot("s")
        try require(try await d.listSnapshots().isEmpty, "snapshot deleted")
        try require(try await d.export("w").sizeGB == 3, "the volume made from a snapshot went with it")
    }

    static func backups(_ d: any StorageDriver) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luc-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try await d.create("v", sizeGB: 2)
        let copy = try await d.exportCopy("v", to: dir.appendingPathComponent("copy"))
        try require(copy.sizeGB == 2 && FileManager.default.fileExists(atPath: copy.path), "exported copy \(copy)")
        try await d.delete("v")
        // The same kind of storage at another site keeps it (here: the same driver).
        let kept = try await d.storeBackup("b", from: URL(fileURLWithPath: copy.path), format: copy.format)
        try require(kept.id == "b" && kept.sizeGB == 2, "backup \(kept)")
        try require(try await d.storeBackup("b", from: URL(fileURLWithPath: copy.path), format: copy.format) == kept, "second store changed it")
        let (backups, volumes) = (try await d.listBackups(), try await d.list())
        try require(backups == ["b"] && volumes.isEmpty, "backups and volumes listed: \(backups) \(volumes)")
        let restored = try await d.clone("r", fromBackup: "b", sizeGB: 3)
        try require(restored.sizeGB == 3, "volume from the backup: \(restored)")
        do {
            _ = try await d.clone("small", fromBackup: "b", sizeGB: 1)
            throw ConformanceFailure("a volume smaller than its backup was made")
        } catch let error as StorageError {
            try require(error.code == .invalid, "smaller volume: \(error)")
        }
        do {
            _ = try await d.exportCopy("nope", to: dir.appendingPathComponent("x"))
            throw ConformanceFailure("a copy of a missing volume was made")
        } catch let error as StorageError {
            try require(error.code == .notFound, "copy of a missing volume: \(error)")
        }
        try await d.deleteBackup("b")
        try await d.deleteBackup("b")
        try require(try await d.listBackups().isEmpty, "backup deleted")
        try require(try await d.export("r").sizeGB == 3, "the restored volume went with its backup")
    }

    static func fromImage(_ d: any StorageDriver) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luc-image-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = dir.appendingPathComponent("image.raw")
        try Data(repeating: 0x5a, count: 1 << 20).write(to: bytes)
        let image = StorageImage(id: "img-1", path: bytes.path, format: "raw")
        let a = try await d.clone("a", fromImage: image, sizeGB: 1)
        try require(a.id == "a" && a.sizeGB == 1, "volume from the image: \(a)")
        try require(try await d.clone("a", fromImage: image, sizeGB: 1) == a, "second clone changed the volume")
        try require(try await d.listImages() == ["img-1"], "the image is kept once")
        // The image service's file may go (the image deleted): the site's copy stays for new volumes.
        try FileManager.default.removeItem(at: bytes)
        let b = try await d.clone("b", fromImage: image, sizeGB: 2)
        try require(b.sizeGB == 2 && b.path != a.path, "second volume from the image: \(b)")
        try require(try await d.list() == ["a", "b"], "volumes listed")
        try require(try await d.pruneImages(keeping: ["img-1"]).isEmpty, "a kept image was pruned")
        // Pruning drops the copy only if no volume is made over it: the volumes stay whole.
        _ = try await d.pruneImages(keeping: [])
        let (a1, b1) = (try await d.export("a"), try await d.export("b"))
        try require(a1.sizeGB == 1 && b1.sizeGB == 2, "volumes after a prune")
        try await d.delete("a")
        try await d.delete("b")
        _ = try await d.pruneImages(keeping: [])
        try require(try await d.listImages().isEmpty, "an unused image copy stayed")
        do {
            _ = try await d.clone("c", fromImage: image, sizeGB: 1)
            throw ConformanceFailure("a volume was made from an image whose bytes are gone everywhere")
        } catch let error as StorageError {
            try require(error.code == .notFound, "image without bytes: \(error)")
        }
        do {
            _ = try await d.clone("c", fromImage: StorageImage(id: "img-2", path: bytes.path, format: "vmdk"), sizeGB: 1)
            throw ConformanceFailure("a vmdk image was accepted")
        } catch let error as StorageError {
            try require(error.code == .invalid, "unreadable format: \(error)")
        }
        try require(try await d.list().isEmpty, "failed clones left volumes")
    }

    static func missing(_ d: any StorageDriver) async throws {
        let calls: [(String, @Sendable () async throws -> Void)] = [
            ("export", { _ = try await d.export("nope") }),
            ("extend", { _ = try await d.extend("nope", sizeGB: 2) }),
            ("clone", { _ = try await d.clone("x", from: "nope", sizeGB: 1) }),
        ]
        for (name, call) in calls {
            do {
                try await call()
                throw ConformanceFailure("\(name) of a missing volume succeeded")
            } catch let error as StorageError {
                try require(error.code == .notFound, "\(name): \(error)")
            }
        }
        try await d.delete("nope")
    }
}

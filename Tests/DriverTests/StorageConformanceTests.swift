import FakeStorageDriver
import FileStorageDriver
import Foundation
import StorageDriver
import Testing
import TestSupport

@Suite("Storage driver conformance")
struct StorageConformanceTests {
    @Test(arguments: StorageConformance.checks.map(\.0))
    func fake(_ name: String) async throws {
        try await StorageConformance.checks.first { $0.0 == name }!.1(FakeStorageDriver())
    }

    @Test(arguments: StorageConformance.checks.map(\.0))
    func fileQcow2(_ name: String) async throws {
        guard FileStorageDriver.preferredFormat == .qcow2 else {
            print("skipped: qcow2 volumes need qemu-img (apt install qemu-utils)")
            return
        }
        try await check(name, format: .qcow2)
    }

    @Test(arguments: StorageConformance.checks.map(\.0))
    func fileRaw(_ name: String) async throws {
        try await check(name, format: .raw)
    }

    func check(_ name: String, format: FileStorageDriver.Format) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luc-storage-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try await StorageConformance.checks.first { $0.0 == name }!.1(try FileStorageDriver(directory: dir, format: format))
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".part") }
        #expect(left.isEmpty, "half-made files left: \(left)")
    }

    @Test func fileDriverKeepsContentAcrossCloneAndSnapshot() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-io") else {
            print("skipped: needs qemu-io (apt install qemu-utils)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luc-storage-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = try FileStorageDriver(directory: dir, format: .qcow2)
        let src = try await d.create("src", sizeGB: 1)
        try await runTool("/usr/bin/qemu-io", ["-f", "qcow2", "-c", "write -P 0x5a 4096 512", src.path])
        let copy = try await d.clone("dst", from: "src", sizeGB: 1)
        let read = try await runTool("/usr/bin/qemu-io", ["-f", "qcow2", "-c", "read -P 0x5a 4096 512", copy.path])
        #expect(!read.contains("Pattern verification failed"), "the clone lost the source's bytes: \(read)")
        // A snapshot keeps the bytes of its moment: written over afterwards, a volume made from
        // the snapshot still has the old ones.
        _ = try await d.snapshot("snap", of: "src")
        try await runTool("/usr/bin/qemu-io", ["-f", "qcow2", "-c", "write -P 0x33 4096 512", src.path])
        let restored = try await d.clone("from-snap", fromSnapshot: "snap", sizeGB: 1)
        let old = try await runTool("/usr/bin/qemu-io", ["-f", "qcow2", "-c", "read -P 0x5a 4096 512", restored.path])
        #expect(!old.contains("Pattern verification failed"), "the snapshot changed with its volume: \(old)")
        // Reverted to the snapshot, the volume has the snapshot's bytes again.
        _ = try await d.revert("src", toSnapshot: "snap")
        let back = try await runTool("/usr/bin/qemu-io", ["-f", "qcow2", "-c", "read -P 0x5a 4096 512", src.path])
        #expect(!back.contains("Pattern verification failed"), "the revert did not bring the snapshot's bytes back: \(back)")
        // A volume from an image reads the image's bytes; writing it leaves the site's copy as it was.
        let imageFile = dir.appendingPathComponent("image.raw")
        try Data(repeating: 0x7e, count: 1 << 20).write(to: imageFile)
        let fromImage = try await d.clone("from-image", fromImage: StorageImage(id: "img", path: imageFile.path, format: "raw"), sizeGB: 1)
        let seen = try await runTool("/usr/bin/qemu-io", ["-f", "qcow2", "-c", "read -P 0x7e 0 4096", fromImage.path])
        #expect(!seen.contains("Pattern verification failed"), "the volume does not hold the image: \(seen)")
        try await runTool("/usr/bin/qemu-io", ["-f", "qcow2", "-c", "write -P 0x11 0 4096", fromImage.path])
        let second = try await d.clone("from-image-2", fromImage: StorageImage(id: "img", path: imageFile.path, format: "raw"), sizeGB: 1)
        let clean = try await runTool("/usr/bin/qemu-io", ["-f", "qcow2", "-c", "read -P 0x7e 0 4096", second.path])
        #expect(!clean.contains("Pattern verification failed"), "a write to one volume changed the image's copy: \(clean)")
    }

    @discardableResult
    func runTool(_ path: String, _ args: [String]) async throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0 else { throw ConformanceFailure("\(path) failed: \(text)") }
        return text
    }
}

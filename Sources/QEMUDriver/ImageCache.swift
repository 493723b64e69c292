import Crypto
import Foundation
import LUCBase
import HypervisorDriver
import Logging

/// The host's cache of base images under `<state>/images/<image>/`: fetched once from the
/// `ImageSource` (concurrent boots of one image wait for the same fetch), verified against the
/// image service's SHA-512 (a corrupted transfer is retried, never booted), kept as raw, with
/// the kernel and initramfs taken out of the disk when it carries them (`vmlinuz`, `initrd.img`
/// on a FAT disk, as LUC's guest image does) for direct kernel boot.
actor ImageCache {
    /// A cached image ready to boot.
    struct Entry: Codable, Sendable {
        var base: String
        var kernel: String?
        var initrd: String?
    }

    let root: URL
    let source: any ImageSource
    let logger: Logger
    static let attempts = 3
    private var fetching: [String: Task<Entry, any Error>] = [:]

    init(root: URL, source: any ImageSource, logger: Logger) {
        self.root = root
        self.source = source
        self.logger = logger
    }

    private func directory(_ imageID: String) -> URL { root.appendingPathComponent(imageID) }

    /// The cached image, fetching it first if needed.
    func entry(_ imageID: String) async throws -> Entry {
        guard imageID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }), !imageID.isEmpty else {
            throw QEMUError("invalid image ID \(imageID)")
        }
        let ready = directory(imageID).appendingPathComponent("entry.json")
        if let data = try? Data(contentsOf: ready), let entry = try? JSONDecoder().decode(Entry.self, from: data) {
            try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: ready.path)  // last use
            return entry
        }
        if let running = fetching[imageID] { return try await running.value }
        let task = Task { try await self.fetch(imageID) }
        fetching[imageID] = task
        defer { fetching[imageID] = nil }
        return try await task.value
    }

    private func fetch(_ imageID: String) async throws -> Entry {
        let dir = directory(imageID)
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        do {
            let download = dir.appendingPathComponent("download.partial")
            var lastError: (any Error)?
            for attempt in 1...Self.attempts {
                do {
                    let expected = try await source.download(imageID, to: download)
                    if let expected {
                        let actual = try await FileDigest.sha512(of: download).hex
                        guard actual == expected.lowercased() else {
                            throw QEMUError("image \(imageID): SHA-512 of the received bytes does not match the image's")
                        }
                    }
                    lastError = nil
                    break
                } catch {
                    lastError = error
                    try? FileManager.default.removeItem(at: download)
                    logger.warning("image fetch failed", metadata: ["image.id": "\(imageID)", "attempt": "\(attempt)", "error": "\(error)"])
                }
            }
            if let lastError { throw lastError }
            let size = ((try? FileManager.default.attributesOfItem(atPath: download.path))?[.size] as? NSNumber)?.intValue ?? 0
            guard size > 0 else { throw QEMUError("image \(imageID) has no data: nothing to boot") }
            let base = dir.appendingPathComponent("base.raw")
            let format = try await Self.format(of: download)
            switch format {
            case "raw": try FileManager.default.moveItem(at: download, to: base)
            case "qcow2":
                try await HostCommand.run("qemu-img", ["convert", "-f", "qcow2", "-O", "raw", download.path, base.path])
                try FileManager.default.removeItem(at: download)
            default: throw QEMUError("image \(imageID) is \(format); this driver boots raw and qcow2")
            }
            var entry = Entry(base: base.path)
            let kernel = dir.appendingPathComponent("vmlinuz"), initrd = dir.appendingPathComponent("initrd.img")
            if (try? await HostCommand.run("mcopy", ["-n", "-i", base.path, "::vmlinuz", kernel.path])) != nil {
                entry.kernel = kernel.path
                if (try? await HostCommand.run("mcopy", ["-n", "-i", base.path, "::initrd.img", initrd.path])) != nil {
                    entry.initrd = initrd.path
                }
            }
            try JSONEncoder().encode(entry).write(to: dir.appendingPathComponent("entry.json"), options: .atomic)
            logger.info("image cached", metadata: ["image.id": "\(imageID)", "direct-kernel": "\(entry.kernel != nil)"])
            return entry
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
    }

    /// The disk format qemu-img detects; images with a backing file are refused.
    static func format(of file: URL) async throws -> String {
        let info = try await HostCommand.run("qemu-img", ["info", "--output=json", file.path])
        guard let object = try JSONSerialization.jsonObject(with: Data(info.output.utf8)) as? [String: Any],
              let format = object["format"] as? String
        else { throw QEMUError("qemu-img cannot read \(file.lastPathComponent)") }
        guard object["backing-filename"] == nil else { throw QEMUError("images with a backing file are refused") }
        return format
    }


    /// Removes cached images that no machine in `inUse` boots from and that were not used for
    /// `unusedFor` (overlays need their base: an image in use always stays).
    func evict(keeping inUse: Set<String>, unusedFor: Duration) {
        let limit = Double(unusedFor.components.seconds)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] where !inUse.contains(name) {
            guard fetching[name] == nil else { continue }
            let entry = root.appendingPathComponent(name).appendingPathComponent("entry.json")
            guard let used = (try? FileManager.default.attributesOfItem(atPath: entry.path))?[.modificationDate] as? Date,
                  -used.timeIntervalSinceNow >= limit else { continue }
            try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
            logger.info("evicted unused image", metadata: ["image.id": "\(name)"])
        }
    }

    /// Removes leftovers of fetches interrupted by a crash.
    func removeIncomplete() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
            let dir = root.appendingPathComponent(name)
            if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("entry.json").path) {
                try? FileManager.default.removeItem(at: dir)
            }
        }
    }
}

public import CloudModel
import Crypto
public import Foundation
import LUCBase
import Logging
import StateStore

/// Brings an image's bytes to this controller's site: from the nearest site that holds them,
/// streamed through that site's controllers, verified against the image's size and SHA-512
/// (a damaged transfer is retried, never kept), then registered in the image's locations so
/// that the site is a source from now on. Concurrent requests for one image share one transfer.
public actor ImageReplicator {
    let store: Store
    let site: Site.ID
    let sites: SiteDirectory
    let directory: URL
    let peers: (any ImagePeers)?
    let logger: Logger
    private var fetching: [Image.ID: Task<URL, any Error>] = [:]

    init(store: Store, site: Site.ID, sites: SiteDirectory, directory: URL, peers: (any ImagePeers)?, logger: Logger) {
        self.store = store
        self.site = site
        self.sites = sites
        self.directory = directory
        self.peers = peers
        self.logger = logger
    }

    func file(_ id: Image.ID) -> URL { directory.appendingPathComponent(id) }

    /// The local file of an active image, fetched from another site first if needed.
    public func localFile(for image: Image) async throws -> URL {
        let url = file(image.id)
        if FileManager.default.fileExists(atPath: url.path) { return url }
        if let running = fetching[image.id] { return try await running.value }
        let task = Task { try await self.fetch(image) }
        fetching[image.id] = task
        defer { fetching[image.id] = nil }
        return try await task.value
    }

    private func fetch(_ image: Image) async throws -> URL {
        let holders = await sites.byDistance(from: site).map(\.id).filter { image.locations.contains($0) && $0 != site }
        guard let peers, !holders.isEmpty else {
            throw ControlPlaneError(.unavailable, "The data of image \(image.id) is held at \(image.locations.joined(separator: ", ")), which this site cannot reach.")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Unique: controllers of a site on one machine share the directory.
        let partial = directory.appendingPathComponent(".\(image.id).\(UUID().uuidString).fetch")
        defer { try? FileManager.default.removeItem(at: partial) }
        var failures: [String] = []
        for holder in holders {
            for _ in 1...2 {
                do {
                    try await peers.download(image.id, from: holder, to: partial)
                    let (size, sha512) = try await FileDigest.sha512(of: partial)
                    guard size == image.size, image.hashValue == nil || sha512 == image.hashValue else {
                        throw ControlPlaneError(.unavailable, "bytes from \(holder) do not match the image (size \(size), expected \(image.size ?? -1))")
                    }
                    try? FileManager.default.removeItem(at: file(image.id))
                    try FileManager.default.moveItem(at: partial, to: file(image.id))
                    logger.notice("image fetched from site", metadata: ["image.id": "\(image.id)", "from": "\(holder)", "bytes": "\(size)"])
                    try await register(image.id)
                    return file(image.id)
                } catch {
                    failures.append("\(holder): \(error)")
                    logger.warning("image fetch failed", metadata: ["image.id": "\(image.id)", "from": "\(holder)", "error": "\(error)"])
                }
            }
        }
        throw ControlPlaneError(.unavailable, "Cannot fetch image \(image.id): \(failures.joined(separator: "; "))")
    }

    /// Removes the bytes of images deleted meanwhile (a delete removes only the copy of the
    /// site it was made at), and fetches interrupted by a crash.
    public func sweep() async throws {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] {
            let url = directory.appendingPathComponent(name)
            if name.hasSuffix(".fetch") {
                let age = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date).map { -$0.timeIntervalSinceNow }
                if fetching.isEmpty, (age ?? 0) > 3600 { try? FileManager.default.removeItem(at: url) }
                continue
            }
            guard !name.hasPrefix("."), fetching[name] == nil, try await store.images.find(name) == nil else { continue }
            try? FileManager.default.removeItem(at: url)
            logger.info("removed the bytes of a deleted image", metadata: ["image.id": "\(name)"])
        }
    }

    /// Adds this site to the image's locations.
    nonisolated private func register(_ id: Image.ID) async throws {
        try await retryOnConflict {
            guard let current = try await store.images.find(id), !current.value.locations.contains(site) else { return }
            var image = current.value
            image.locations.append(site)
            var txn = Transaction()
            store.images.stagePut(image, expecting: current.revision, into: &txn)
            try await store.commit(txn, in: .global)
        }
    }
}

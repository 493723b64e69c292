import CloudModel
import ControlPlane
import Foundation
import HTTPTypes
import NIOCore
import OpenStackHTTP
import StateStore
import Synchronization
import CloudTestSupport
import Testing

/// Image bytes held at one site, needed at another: fetched once, verified, registered.
@Suite("Image replication between sites")
struct ImageReplicationTests {
    /// Serves what a site's cloud holds (as `/internal/v1/images/<id>/file?local=1` would),
    /// counting transfers and damaging the first `corrupt` of them.
    final class Peers: ImagePeers {
        let holders: Mutex<[Site.ID: ControlPlane]> = Mutex([:])
        let transfers = Atomic(0)
        let corrupt: Int

        init(corrupt: Int = 0) { self.corrupt = corrupt }

        func download(_ imageID: Image.ID, from site: Site.ID, to file: URL) async throws {
            guard let cloud = holders.withLock({ $0[site] }) else { throw ControlPlaneError(.unavailable, "no such site") }
            try await Task.sleep(for: .milliseconds(50))  // a WAN: let concurrent requests pile up
            let n = transfers.add(1, ordering: .relaxed).newValue
            var data = try Data(contentsOf: try await cloud.images.internalDataFile(imageID, localOnly: true).1)
            if n <= corrupt { data[0] ^= 0xFF }
            try data.write(to: file)
        }
    }

    /// Site alpha (where the image is uploaded) and site beta, sharing one store.
    func twoSites(_ peers: Peers) async throws -> (TestCloud, TestCloud, Image.ID, [UInt8]) {
        let engine = InMemoryEngine()
        let alpha = try await TestCloud.make(engine: engine, register: false)
        var options = TestCloud.Options()
        options.site = "beta"
        options.controllerID = "beta-controller"
        let beta = try await TestCloud.make(options, engine: engine, register: false, imagePeers: peers)
        peers.holders.withLock { $0["alpha"] = alpha.cloud }
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let id = try await alpha.withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let created = try await api.call(.post, "/image/v2/images", token: admin, json: """
                {"name":"guest","disk_format":"raw","container_format":"bare","visibility":"public"}
                """)
            let id = created.json?["id"]?.string ?? ""
            #expect(try await api.call(.put, "/image/v2/images/\(id)/file", token: admin, bytes: bytes).status == 204)
            return id
        }
        return (alpha, beta, id, bytes)
    }

    @Test func concurrentRequestsAtASiteFetchOnceAndRegisterTheSite() async throws {
        let peers = Peers()
        let (_, beta, id, bytes) = try await twoSites(peers)
        let files = try await withThrowingTaskGroup(of: URL.self) { group in
            for _ in 0..<5 { group.addTask { try await beta.cloud.images.internalDataFile(id, localOnly: false).1 } }
            return try await group.reduce(into: [URL]()) { $0.append($1) }
        }
        #expect(peers.transfers.load(ordering: .relaxed) == 1)
        #expect(Set(files).count == 1)
        #expect(try [UInt8](Data(contentsOf: files[0])) == bytes)
        #expect(try await beta.store.images.find(id)?.value.locations == ["alpha", "beta"])
        _ = try await beta.cloud.images.internalDataFile(id, localOnly: true)  // held now: no transfer
        #expect(peers.transfers.load(ordering: .relaxed) == 1)
        // A user's download at beta is served from beta's copy; image show lists both stores.
        try await beta.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            #expect(try await api.call(.get, "/image/v2/images/\(id)/file", token: demo).body.readableBytes == bytes.count)
            #expect(try await api.call(.get, "/image/v2/images/\(id)", token: demo).json?["stores"] == "alpha,beta")
        }
    }

    @Test func bytesOfADeletedImageAreSweptAtEverySite() async throws {
        let (alpha, beta, id, _) = try await twoSites(Peers())
        let copy = try await beta.cloud.images.internalDataFile(id, localOnly: false).1
        try await beta.cloud.images.replicator.sweep()
        #expect(FileManager.default.fileExists(atPath: copy.path), "an image still in use is kept")
        try await alpha.withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            #expect(try await api.call(.delete, "/image/v2/images/\(id)", token: admin).status == 204)
        }
        try await beta.cloud.images.replicator.sweep()
        #expect(!FileManager.default.fileExists(atPath: copy.path))
    }

    @Test func aCorruptedTransferIsRetriedNotKept() async throws {
        let peers = Peers(corrupt: 1)
        let (_, beta, id, bytes) = try await twoSites(peers)
        let file = try await beta.cloud.images.internalDataFile(id, localOnly: false).1
        #expect(peers.transfers.load(ordering: .relaxed) == 2)
        #expect(try [UInt8](Data(contentsOf: file)) == bytes)
    }

    @Test func alwaysCorruptedFailsAndKeepsNothing() async throws {
        let peers = Peers(corrupt: .max)
        let (_, beta, id, _) = try await twoSites(peers)
        await #expect(throws: ControlPlaneError.self) { _ = try await beta.cloud.images.internalDataFile(id, localOnly: false) }
        #expect(try await beta.store.images.find(id)?.value.locations == ["alpha"])
        await #expect(throws: ControlPlaneError.self) { _ = try await beta.cloud.images.internalDataFile(id, localOnly: true) }
    }

    @Test func internalEndpointNeedsTheClusterSecretAndSendsTheDigest() async throws {
        let (alpha, _, id, bytes) = try await twoSites(Peers())
        try await alpha.withClient { api in
            #expect(try await api.call(.get, "/internal/v1/images/\(id)/file").status == 401)
            var headers = HTTPFields()
            headers[HTTPField.Name("X-LUC-Cluster-Secret")!] = "secret"
            let reply = try await api.call(.get, "/internal/v1/images/\(id)/file?local=1", headers: headers)
            #expect(reply.status == 200)
            #expect(reply.body.readableBytes == bytes.count)
            #expect(reply.headers[HTTPField.Name("X-LUC-Image-SHA512")!]?.count == 128)
            #expect(try await api.call(.get, "/internal/v1/images/not-an-image/file", headers: headers).status == 404)
        }
    }
}

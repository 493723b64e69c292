import CloudModel
import Foundation
import StateStore
import Testing

/// Volumes and servers' volume references survive their stored form: every field, every
/// pending change, and the server's `volumes`.
@Suite("Volume records")
struct VolumeRecordTests {
    static let created = Date(timeIntervalSince1970: 1_790_000_000.5)

    static func volume(_ pending: Volume.PendingChange?) -> Volume {
        var v = Volume(id: "vol-1", name: "data", description: "d", projectID: "proj", userID: "user", site: "lyon", sizeGB: 3,
                       typeName: "__DEFAULT__", createdAt: created)
        v.status = .attaching
        v.bootable = true
        v.metadata = ["k": "v"]
        v.source = .volume("vol-0")
        v.attachments = [VolumeAttachment(id: "att-1", serverID: "srv-1", device: "/dev/vdc", hostName: "lyon-h1", attachedAt: created)]
        v.pending = pending
        v.taskOwner = "lyon-5000"
        v.taskDeadline = created.addingTimeInterval(60)
        v.fault = "f"
        v.updatedAt = created.addingTimeInterval(1)
        v.revision = 4
        return v
    }

    @Test(arguments: [nil, Volume.PendingChange.extend(sizeGB: 5), .detach(serverID: "srv-1"),
                      .attach(VolumeAttachment(id: "att-2", serverID: "srv-2", device: "/dev/vdd", hostName: nil, attachedAt: created,
                                               deleteOnTermination: true))])
    func volumesRoundTrip(_ pending: Volume.PendingChange?) async throws {
        let store = Store(engine: InMemoryEngine())
        var txn = Transaction()
        store.volumes("lyon").stageCreate(Self.volume(pending), into: &txn)
        try await store.commit(txn, in: .site("lyon"))
        let read = try #require(try await Store(engine: store.engine).volumes("lyon").find("vol-1"))
        #expect(read.value == Self.volume(pending))
    }

    @Test func serversKeepTheirVolumes() async throws {
        let store = Store(engine: InMemoryEngine())
        var server = Server(id: "srv-1", name: "s", projectID: "proj", userID: "user", site: "lyon",
                            flavor: Flavor(id: "1", name: "f", vcpus: 1, ramMB: 64, diskGB: 1), imageID: "img", keyName: nil,
                            metadata: [:], userData: nil, createdAt: Self.created, requestID: "req")
        server.volumes = [ServerVolume(volumeID: "vol-1", device: "/dev/vdc", attachmentID: "att-1", deleteOnTermination: true, tag: "db",
                                       mappingID: "bdm-1")]
        var txn = Transaction()
        store.servers("lyon").stageCreate(server, into: &txn)
        try await store.commit(txn, in: .site("lyon"))
        #expect(try await Store(engine: store.engine).servers("lyon").find("srv-1")?.value.volumes == server.volumes)
    }
}

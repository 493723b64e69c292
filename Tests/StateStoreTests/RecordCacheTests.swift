import CloudModel
import Foundation
import StateStore
import Testing

/// The decoded-record caches behind the repositories: what a commit remembers is what a read
/// would decode, and a write by another controller (another `Store`) is never hidden.
@Suite("Decoded record caches")
struct RecordCacheTests {
    static let created = Date(timeIntervalSince1970: 1_790_000_000.123456)

    static func port(_ id: String, device: String = "") -> NetworkPort {
        var port = NetworkPort(id: id, name: "p", projectID: "proj", networkID: "net", site: "lyon", macAddress: "fa:16:3e:00:00:01",
                               fixedIPs: [.init(subnetID: "sub", address: IPv4Address("10.0.0.5")!)], deviceID: device,
                               securityGroupIDs: ["sg"], createdAt: created)
        port.revision = 1
        return port
    }

    /// Two controllers' stores over one engine, the first having committed port `p1`.
    static func storesWithAPort() async throws -> (Store, Store) {
        let engine = InMemoryEngine()
        let store = Store(engine: engine), other = Store(engine: engine)
        var txn = Transaction()
        store.ports("lyon").stageCreate(port("p1"), into: &txn)
        try await store.commit(txn, in: .site("lyon"))
        return (store, other)
    }

    @Test func aCommittedWriteReadsBackAsTheDecodedRecord() async throws {
        let (store, other) = try await Self.storesWithAPort()
        let remembered = try #require(try await store.ports("lyon").find("p1"))
        let decoded = try #require(try await other.ports("lyon").find("p1"))
        #expect(remembered.value == decoded.value && remembered.revision == decoded.revision)
    }

    @Test func anotherControllersWriteIsSeen() async throws {
        let (store, other) = try await Self.storesWithAPort()
        let first = try #require(try await store.ports("lyon").find("p1"))
        var update = Transaction()
        var changed = first.value
        changed.deviceID = "server-1"
        other.ports("lyon").stageUpdate(changed, from: first, into: &update)
        try await other.commit(update, in: .site("lyon"))
        #expect(try await store.ports("lyon").find("p1")?.value.deviceID == "server-1")
    }

    @Test func aFailedCommitRemembersNothingAndADeleteForgets() async throws {
        let (store, _) = try await Self.storesWithAPort()
        let first = try #require(try await store.ports("lyon").find("p1"))
        var stale = Transaction()
        var changed = first.value
        changed.deviceID = "never"
        store.ports("lyon").stageUpdate(changed, from: Versioned(first.value, revision: first.revision + 99), into: &stale)
        await #expect(throws: StoreError.self) { try await store.commit(stale, in: .site("lyon")) }
        #expect(try await store.ports("lyon").find("p1")?.value.deviceID == "")
        var delete = Transaction()
        store.ports("lyon").stageDelete(first, into: &delete)
        try await store.commit(delete, in: .site("lyon"))
        #expect(try await store.ports("lyon").find("p1") == nil)
    }
}

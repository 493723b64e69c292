import CloudModel
import CloudTestSupport
import Foundation
import HTTPTypes
import OpenStackHTTP
import StateStore
import Synchronization
import Testing

/// An engine whose keyspaces can be made to fail as an unreachable Redis does.
final class FlakyEngine: KeyValueEngine {
    let base: any KeyValueEngine = InMemoryEngine()
    let down = Mutex<Set<String>>([])

    func check(_ keyspace: Keyspace) throws {
        if down.withLock({ $0.contains(keyspace.name) }) {
            throw StoreError.unavailable("redis://127.0.0.1:16506 failed: Redis did not answer in time").about(keyspace)
        }
    }
    func get(_ key: String, in keyspace: Keyspace) async throws -> Entry? { try check(keyspace); return try await base.get(key, in: keyspace) }
    func getMany(_ keys: [String], in keyspace: Keyspace) async throws -> [Entry] { try check(keyspace); return try await base.getMany(keys, in: keyspace) }
    func commit(_ transaction: Transaction, in keyspace: Keyspace) async throws -> Int64 { try check(keyspace); return try await base.commit(transaction, in: keyspace) }
    func scan(prefix: String, after: String?, limit: Int, in keyspace: Keyspace) async throws -> [Entry] {
        try check(keyspace)
        return try await base.scan(prefix: prefix, after: after, limit: limit, in: keyspace)
    }
    func watch(prefix: String, in keyspace: Keyspace) -> AsyncStream<WatchEvent> { base.watch(prefix: prefix, in: keyspace) }
}

/// A store that does not answer is a 503 saying which site, never the store's address.
@Suite("Store outages")
struct StoreOutageTests {
    @Test func anUnreachableSiteStoreIs503NamingTheSiteNotTheAddress() async throws {
        let engine = FlakyEngine()
        let cloud = try await TestCloud.make(engine: engine)
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let id = try await api.boot(demo, imageID: try await api.image(demo), zone: "beta")
            try await api.waitStatus(demo, id, "ACTIVE")
            engine.down.withLock { _ = $0.insert("site/beta") }
            let reply = try await api.call(.get, "/compute/v2.1/servers/\(id)", token: demo)
            #expect(reply.status == 503)
            let message = reply.json?["serviceUnavailable"]?["message"]?.string ?? ""
            #expect(message.contains("site beta"), "\(message)")
            #expect(!message.contains("127.0.0.1") && !message.contains("redis"), "\(message)")
            engine.down.withLock { _ = $0.insert("global") }
            let flavors = try await api.call(.get, "/compute/v2.1/flavors/detail", token: demo)
            #expect(flavors.status == 503)
            #expect(flavors.json?["serviceUnavailable"]?["message"]?.string?.contains("global store") == true, "\(flavors.text)")
            engine.down.withLock { $0.removeAll() }
        }
    }

    @Test func hostStatusReadsOnlyTheShownServersSites() async throws {
        let engine = FlakyEngine()
        let cloud = try await TestCloud.make(engine: engine)
        try await cloud.withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let id = try await api.boot(admin, imageID: try await api.image(admin), zone: "alpha")
            try await api.waitStatus(admin, id, "ACTIVE")
            engine.down.withLock { _ = $0.insert("site/beta") }
            let latest: HTTPFields = [HTTPField.Name("OpenStack-API-Version")!: "compute latest"]
            let shown = try await api.call(.get, "/compute/v2.1/servers/\(id)", token: admin, headers: latest)
            #expect(shown.status == 200 && shown.json?["server"]?["host_status"] == "UP", "\(shown.text)")
            let listed = try await api.call(.get, "/compute/v2.1/servers/detail", token: admin, headers: latest)
            #expect(listed.status == 200, "a cut-off site must not fail the listing: \(listed.text)")
            engine.down.withLock { $0.removeAll() }
        }
    }
}

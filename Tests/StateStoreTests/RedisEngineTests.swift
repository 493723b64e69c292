import Foundation
import NIOCore
import StateStore
import StateStoreRedis
import TestSupport
import Testing

/// The store conformance suite and Redis-specific behaviour, against a real redis-server.
@Suite("Redis engine", .serialized, .enabled(if: RedisServerProcess.binary != nil, "redis-server is not installed (apt-get install redis-server)"))
struct RedisEngineTests {
    /// Runs `body` with an engine on a redis-server of its own, stopped afterwards.
    func withRedis(_ body: (RedisEngine) async throws -> Void) async throws {
        let server = try RedisServerProcess(port: TestProcesses.freePort())
        defer { server.stop() }
        let engine = RedisEngine(endpoint: .init(host: "127.0.0.1", port: server.port))
        do { try await body(engine) } catch {
            await engine.close()
            throw error
        }
        await engine.close()
    }

    @Test("conformance", arguments: StoreConformance.checks.map(\.0))
    func conformance(_ name: String) async throws {
        let check = StoreConformance.checks.first { $0.0 == name }!.1
        try await withRedis { try await check($0) }
    }

    @Test func largeScansAndBinaryValues() async throws { try await withRedis { engine in
        var txn = Transaction()
        for i in 0..<3000 { txn.put(String(format: "big/%05d", i), Data([0, 1, 2, 255, UInt8(i % 256)])) }
        _ = try await engine.commit(txn, in: .global)
        let all = try await engine.scanAll(prefix: "big/", in: .global, pageSize: 700)
        #expect(all.count == 3000)
        #expect(all.first?.value == Data([0, 1, 2, 255, 0]))
        #expect(all.map(\.key) == all.map(\.key).sorted())
        let many = try await engine.getMany(all.prefix(1000).map(\.key), in: .global)
        #expect(many.count == 1000)
    } }

    @Test func unreachableServerIsUnavailableNotAHang() async throws {
        let engine = RedisEngine(endpoint: .init(host: "127.0.0.1", port: TestProcesses.freePort()), timeout: .milliseconds(500))
        let start = ContinuousClock.now
        await #expect(throws: StoreError.self) { try await engine.get("x", in: .global) }
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    @Test func survivesAServerRestart() async throws {
        let port = TestProcesses.freePort()
        let first = try RedisServerProcess(port: port)
        let engine = RedisEngine(endpoint: .init(host: "127.0.0.1", port: port))
        var txn = Transaction()
        txn.put("kept", Data("1".utf8))
        _ = try await engine.commit(txn, in: .site("s"))
        first.kill9()
        await #expect(throws: StoreError.self) { try await engine.get("kept", in: .site("s")) }
        let server = try RedisServerProcess(port: port, extra: ["--dir", first.directory.path])
        var read: Entry? = nil
        for _ in 0..<20 where read == nil {
            read = try? await engine.get("kept", in: .site("s"))
            if read == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(read.map { String(decoding: $0.value, as: UTF8.self) } == "1", "acknowledged write lost over kill -9 (AOF)")
        server.stop()
        first.stop()
        await engine.close()
    }
}

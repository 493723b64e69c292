import Foundation
import StateStore
import StateStoreEmbedded
import Testing
import TestSupport

@Suite("Store conformance")
struct StoreConformanceTests {
    static let names = StoreConformance.checks.map(\.0)

    static func check(_ name: String) -> StoreConformance.Check {
        StoreConformance.checks.first { $0.0 == name }!.1
    }

    @Test("in-memory engine", arguments: names)
    func memory(_ name: String) async throws {
        try await Self.check(name)(InMemoryEngine())
    }

    @Test("embedded engine", arguments: names)
    func embedded(_ name: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("luc-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.check(name)(try EmbeddedEngine(directory: directory))
    }

    @Test("embedded engine keeps data across reopen")
    func embeddedDurable() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("luc-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var txn = Transaction()
        txn.put("durable", Data("yes".utf8))
        let revision = try await EmbeddedEngine(directory: directory).commit(txn, in: .site("x"))
        let reopened = try EmbeddedEngine(directory: directory)
        let entry = try await reopened.get("durable", in: .site("x"))
        #expect(entry?.revision == revision)
        #expect(entry.map { String(decoding: $0.value, as: UTF8.self) } == "yes")
    }

    @Test("two embedded engines on one directory see each other's writes (two processes)")
    func embeddedShared() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("luc-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = try EmbeddedEngine(directory: directory), b = try EmbeddedEngine(directory: directory)
        var txn = Transaction()
        txn.require("k", at: nil)
        txn.put("k", Data("a".utf8))
        _ = try await a.commit(txn, in: .global)
        await #expect(throws: StoreError.self) { try await b.commit(txn, in: .global) }
        #expect(try await b.get("k", in: .global) != nil)
    }
}

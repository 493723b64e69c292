import Foundation
public import StateStore

/// The contract of `KeyValueEngine`, checked against any engine. Every engine's test suite runs
/// every check with a fresh engine.
public enum StoreConformance {
    public typealias Check = @Sendable (any KeyValueEngine) async throws -> Void

    public static let checks: [(String, Check)] = [
        ("get of a missing key is nil", getMissing),
        ("put then get returns value and revision", putGet),
        ("failed compare writes nothing", failedCompareWritesNothing),
        ("absent condition", absentCondition),
        ("delete", delete),
        ("scan is ordered, prefixed and paginated", scan),
        ("revisions increase", revisionsIncrease),
        ("keyspaces are isolated", keyspacesIsolated),
        ("leases expire", leasesExpire),
        ("getMany keeps the order asked", getMany),
        ("concurrent compare-and-set loses no update", concurrentIncrements),
        ("watch sees puts and deletes", watch),
    ]

    static let space = Keyspace.site("conformance")

    static func put(_ engine: any KeyValueEngine, _ key: String, _ value: String, ttl: Duration? = nil,
                    in keyspace: Keyspace = space) async throws -> Int64 {
        var txn = Transaction()
        txn.put(key, Data(value.utf8), ttl: ttl)
        return try await engine.commit(txn, in: keyspace)
    }

    static func text(_ entry: Entry?) -> String? { entry.map { String(decoding: $0.value, as: UTF8.self) } }

    static func getMissing(_ engine: any KeyValueEngine) async throws {
        try require(try await engine.get("nope", in: space) == nil, "missing key returned a value")
    }

    static func putGet(_ engine: any KeyValueEngine) async throws {
        let revision = try await put(engine, "a", "1")
        let entry = try await engine.get("a", in: space)
        try require(text(entry) == "1", "value not read back")
        try require(entry?.revision == revision, "revision \(String(describing: entry?.revision)) != commit's \(revision)")
        // Every key a transaction writes carries its revision (the decoded-record caches rely on it).
        var txn = Transaction()
        for key in ["b", "c", "d"] { txn.put(key, Data(key.utf8)) }
        let many = try await engine.commit(txn, in: space)
        let revisions = try await engine.getMany(["b", "c", "d"], in: space).map(\.revision)
        try require(revisions == [many, many, many], "keys of one transaction at \(revisions), commit at \(many)")
    }

    static func failedCompareWritesNothing(_ engine: any KeyValueEngine) async throws {
        let revision = try await put(engine, "k", "v1")
        var txn = Transaction()
        txn.require("k", at: revision + 1000)
        txn.put("k", Data("v2".utf8))
        txn.put("other", Data("x".utf8))
        do {
            _ = try await engine.commit(txn, in: space)
            throw ConformanceFailure("stale compare committed")
        } catch let error as StoreError {
            try require(error.code == .conflict, "expected conflict, got \(error)")
        }
        try require(text(try await engine.get("k", in: space)) == "v1", "value changed by a failed transaction")
        try require(try await engine.get("other", in: space) == nil, "partial write of a failed transaction")
        var ok = Transaction()
        ok.require("k", at: revision)
        ok.put("k", Data("v3".utf8))
        _ = try await engine.commit(ok, in: space)
        try require(text(try await engine.get("k", in: space)) == "v3", "matching compare did not commit")
    }

    static func absentCondition(_ engine: any KeyValueEngine) async throws {
        var txn = Transaction()
        txn.require("fresh", at: nil)
        txn.put("fresh", Data("1".utf8))
        _ = try await engine.commit(txn, in: space)
        do {
            _ = try await engine.commit(txn, in: space)
            throw ConformanceFailure("absent condition held for an existing key")
        } catch let error as StoreError where error.code == .conflict {}
    }

    static func delete(_ engine: any KeyValueEngine) async throws {
        let revision = try await put(engine, "d", "1")
        var txn = Transaction()
        txn.require("d", at: revision)
        txn.delete("d")
        _ = try await engine.commit(txn, in: space)
        try require(try await engine.get("d", in: space) == nil, "deleted key still readable")
        var again = Transaction()
        again.require("d", at: revision)
        again.delete("d")
        do {
            _ = try await engine.commit(again, in: space)
            throw ConformanceFailure("revision condition held for a deleted key")
        } catch let error as StoreError where error.code == .conflict {}
    }

    static func scan(_ engine: any KeyValueEngine) async throws {
        var txn = Transaction()
        for key in ["p/c", "p/a", "p/b", "p0", "o/z", "p/é", "p/a/1", "q"] { txn.put(key, Data(key.utf8)) }
        _ = try await engine.commit(txn, in: space)
        let all = try await engine.scan(prefix: "p/", after: nil, limit: 100, in: space).map(\.key)
        try require(all == ["p/a", "p/a/1", "p/b", "p/c", "p/é"], "scan gave \(all)")
        let page1 = try await engine.scan(prefix: "p/", after: nil, limit: 2, in: space).map(\.key)
        let page2 = try await engine.scan(prefix: "p/", after: page1.last, limit: 2, in: space).map(\.key)
        let page3 = try await engine.scan(prefix: "p/", after: page2.last, limit: 2, in: space).map(\.key)
        try require(page1 + page2 + page3 == all, "pages \(page1) \(page2) \(page3)")
        let everything = try await engine.scan(prefix: "", after: nil, limit: 100, in: space).map(\.key)
        try require(everything == everything.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } && everything.count == 8,
                    "empty prefix scan gave \(everything)")
        let afterOutside = try await engine.scan(prefix: "p/", after: "a", limit: 100, in: space).map(\.key)
        try require(afterOutside == all, "after before the prefix gave \(afterOutside)")
    }

    static func revisionsIncrease(_ engine: any KeyValueEngine) async throws {
        var last: Int64 = 0
        for i in 0..<10 {
            let revision = try await put(engine, "r\(i % 3)", "\(i)")
            try require(revision > last, "revision \(revision) after \(last)")
            last = revision
        }
    }

    static func keyspacesIsolated(_ engine: any KeyValueEngine) async throws {
        _ = try await put(engine, "same", "global", in: .global)
        _ = try await put(engine, "same", "site", in: .site("other"))
        try require(text(try await engine.get("same", in: .global)) == "global", "global overwritten")
        try require(text(try await engine.get("same", in: .site("other"))) == "site", "site value wrong")
        try require(try await engine.get("same", in: space) == nil, "key leaked into another keyspace")
    }

    static func leasesExpire(_ engine: any KeyValueEngine) async throws {
        _ = try await put(engine, "lease", "alive", ttl: .milliseconds(300))
        try require(text(try await engine.get("lease", in: space)) == "alive", "lease not readable at once")
        try await Task.sleep(for: .milliseconds(600))
        try require(try await engine.get("lease", in: space) == nil, "expired lease still readable")
        try require(try await engine.scan(prefix: "lease", after: nil, limit: 10, in: space).isEmpty, "expired lease in a scan")
        var txn = Transaction()
        txn.require("lease", at: nil)
        txn.put("lease", Data("again".utf8))
        _ = try await engine.commit(txn, in: space)
    }

    static func getMany(_ engine: any KeyValueEngine) async throws {
        _ = try await put(engine, "m1", "1")
        _ = try await put(engine, "m2", "2")
        let found = try await engine.getMany(["m2", "missing", "m1"], in: space).map(\.key)
        try require(found == ["m2", "m1"], "getMany gave \(found)")
    }

    static func concurrentIncrements(_ engine: any KeyValueEngine) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    while true {
                        let current = try await engine.get("counter", in: space)
                        let value = (current.flatMap { Int(String(decoding: $0.value, as: UTF8.self)) } ?? 0) + 1
                        var txn = Transaction()
                        txn.require("counter", at: current?.revision)
                        txn.put("counter", Data(String(value).utf8))
                        do {
                            _ = try await engine.commit(txn, in: space)
                            return
                        } catch let error as StoreError where error.code == .conflict {
                            continue
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = text(try await engine.get("counter", in: space))
        try require(final == "40", "lost updates: counter is \(final ?? "nil")")
    }

    actor EventBox {
        var events: [WatchEvent] = []
        func add(_ event: WatchEvent) { events.append(event) }
    }

    static func watch(_ engine: any KeyValueEngine) async throws {
        let box = EventBox()
        let stream = engine.watch(prefix: "w/", in: space)
        let collector = Task {
            for await event in stream { await box.add(event) }
        }
        defer { collector.cancel() }
        try await Task.sleep(for: .milliseconds(400))
        let revision = try await put(engine, "w/1", "x")
        try await Task.sleep(for: .milliseconds(600))
        var txn = Transaction()
        txn.require("w/1", at: revision)
        txn.delete("w/1")
        _ = try await engine.commit(txn, in: space)
        let deadline = ContinuousClock.now + .seconds(5)
        while await box.events.count < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let events = await box.events
        try require(events.count == 2, "watch saw \(events)")
        guard case let .put(entry) = events[0], entry.key == "w/1" else { throw ConformanceFailure("first event \(events[0])") }
        try require(events[1] == .deleted(key: "w/1"), "second event \(events[1])")
    }
}

import Foundation
import SiteRouting
import StateStore
import Testing

/// Forwarding targets come from the other sites' controller leases, not from configuration.
@Suite("Other sites' controllers from their leases")
struct SiteControllersTests {
    let store = Store(engine: InMemoryEngine())

    func directory(refreshEvery: Duration = .seconds(3)) -> SiteControllers {
        SiteControllers(store: store, site: "alpha", sites: ["alpha", "beta", "gamma"],
                        routes: ["http://b2:5000": "http://127.0.0.1:9302"], refreshEvery: refreshEvery)
    }

    @Test func liveLeasesGiveTheURLsAsReachedFromHere() async throws {
        try await store.leases("beta").renew(.controller, id: "beta-1", payload: "http://b1:5000", ttl: .seconds(10))
        try await store.leases("beta").renew(.controller, id: "beta-2", payload: "http://b2:5000", ttl: .seconds(10))
        try await store.leases("beta").renew(.host, id: "host-1", payload: "http://agent:7000", ttl: .seconds(10))
        let peers = directory()
        #expect(await peers.controllers(of: "beta").sorted() == ["http://127.0.0.1:9302", "http://b1:5000"])
        #expect(await peers.controllers(of: "gamma").isEmpty)
    }

    @Test func concurrentFirstCallersAllGetTheControllers() async throws {
        try await store.leases("beta").renew(.controller, id: "beta-1", payload: "http://b1:5000", ttl: .seconds(10))
        let peers = directory()
        let answers = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<50 { group.addTask { await peers.controllers(of: "beta") } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 50 && answers.allSatisfy { $0 == ["http://b1:5000"] })
    }

    @Test func deadAndDepartedControllersDropOut() async throws {
        try await store.leases("beta").renew(.controller, id: "beta-1", payload: "http://b1:5000", ttl: .seconds(10))
        try await store.leases("beta").renew(.controller, id: "beta-2", payload: "http://b2:5000", ttl: .seconds(10))
        let peers = directory()
        #expect(await peers.controllers(of: "beta").count == 2)
        try await store.leases("beta").release(.controller, id: "beta-1")
        // beta-2's last renewal was short and it renews no more: presumed dead.
        try await store.leases("beta").renew(.controller, id: "beta-2", payload: "http://b2:5000", ttl: .milliseconds(20))
        try await Task.sleep(for: .milliseconds(200))
        await peers.refresh("beta")
        #expect(await peers.controllers(of: "beta").isEmpty)
    }

    @Test func aSiteSeenWithoutControllersIsReadAgainOnDemand() async throws {
        let peers = directory()  // background refresh every 3 s: not running here
        #expect(await peers.controllers(of: "gamma").isEmpty)
        try await store.leases("gamma").renew(.controller, id: "gamma-1", payload: "http://g1:5000", ttl: .seconds(10))
        try await Task.sleep(for: .milliseconds(300))
        #expect(await peers.controllers(of: "gamma") == ["http://g1:5000"])
    }

    @Test func theBackgroundRefreshFindsAControllerThatStarts() async throws {
        try await store.leases("gamma").renew(.controller, id: "gamma-1", payload: "http://g1:5000", ttl: .seconds(10))
        let peers = directory(refreshEvery: .milliseconds(50))
        #expect(await peers.controllers(of: "gamma") == ["http://g1:5000"])
        let loop = Task { await peers.run() }
        defer { loop.cancel() }
        try await store.leases("gamma").renew(.controller, id: "gamma-2", payload: "http://g2:5000", ttl: .seconds(10))
        var found: [String] = []
        for _ in 0..<40 where found.count < 2 {
            try await Task.sleep(for: .milliseconds(50))
            found = await peers.controllers(of: "gamma").sorted()
        }
        #expect(found == ["http://g1:5000", "http://g2:5000"])
    }
}

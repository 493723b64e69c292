import CloudModel
import CloudTestSupport
import ControlPlane
import OpenStackHTTP
import StateStore
import Synchronization
import Testing

/// Ownership, deadlines and adoption, on a clock the test drives (no sleeping for deadlines).
@Suite("Task runner")
struct TaskRunnerTests {
    @Test func aLiveOwnersTaskIsAdoptedOnlyOnceItsDeadlinePassed() async throws {
        try await adoption(ownerLeaseAt: "alpha")
    }

    /// A controller of another site that took the request drives the server from there: its
    /// lease lives at its own site, and this site's controllers must not take the task from it.
    @Test func anOwnerLiveAtAnotherSiteKeepsItsTask() async throws {
        try await adoption(ownerLeaseAt: "beta")
    }

    func adoption(ownerLeaseAt leaseSite: Site.ID) async throws {
        let engine = InMemoryEngine()
        let clock = ManualClock()
        let agentsA = InProcessAgents()
        agentsA.holdSpawns.withLock { $0 = true }  // A's boots never finish
        let a = try await TestCloud.make(TestCloud.Options(controllerID: "ctl-a"), engine: engine, agents: agentsA, clock: clock)
        let b = try await TestCloud.make(TestCloud.Options(controllerID: "ctl-b"), engine: engine,
                                         agents: InProcessAgents(sharingDriversWith: agentsA), register: false, clock: clock)
        try await a.store.leases(leaseSite).renew(.controller, id: "ctl-a", payload: "", ttl: .seconds(3600))
        let id: String = try await a.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let id = try await api.boot(demo, imageID: try await api.image(demo))
            try await api.waitServer(demo, id) { $0?["OS-EXT-STS:task_state"] == "spawning" }
            return id
        }
        #expect(try await b.cloud.tasks.recoverOrphans(site: "alpha") == 0, "A is alive and within its deadline")
        clock.advance(by: .seconds(31))  // TestCloud's boot deadline is 30 s
        #expect(try await b.cloud.tasks.recoverOrphans(site: "alpha") == 1)
        #expect(try await b.cloud.tasks.recoverOrphans(site: "alpha") == 0, "adopted once")
        try await b.withClient { api in
            try await api.waitStatus(try await api.token("demo", "demopw", project: "demo"), id, "ACTIVE")
        }
        #expect(try await b.store.servers("alpha").withTasks().isEmpty)
        agentsA.holdSpawns.withLock { $0 = false }
    }
}

@Suite("Scatter-gather over sites")
struct SiteScatterTests {
    let sites = [Site(id: "a", index: 1, name: "A", latitude: 0, longitude: 0),
                 Site(id: "b", index: 2, name: "B", latitude: 0, longitude: 0),
                 Site(id: "c", index: 3, name: "C", latitude: 0, longitude: 0)]

    struct Unavailable: Error {}

    @Test func lateAndFailingSitesAreReportedNotWaitedFor() async {
        let gathered = await scatter(sites, deadline: .milliseconds(100)) { site -> [String] in
            switch site.id {
            case "a": return ["a1", "a2"]
            case "b": try await Task.sleep(for: .seconds(3600)); return []  // a cut link: never answers
            default: throw Unavailable()
            }
        }
        #expect(gathered.parts == ["a": ["a1", "a2"]])
        #expect(gathered.unreachable == ["b", "c"])
    }
}

@Suite("Server queries")
struct ServerQueryTests {
    @Test func anchoredPlainNamesUseTheIndexOthersAreSearches() throws {
        #expect(try ServerQuery.NameFilter(pattern: "^web-1$").exactName == "web-1")
        #expect(try ServerQuery.NameFilter(pattern: "^web.1$").exactName == nil)
        let search = try ServerQuery.NameFilter(pattern: "eb-")
        #expect(search.matches("web-1") && !search.matches("db1"))
        #expect(throws: ControlPlaneError.self) { try ServerQuery.NameFilter(pattern: "([") }
    }
}

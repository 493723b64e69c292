import AgentProtocol
import CloudModel
import ControlPlane
import FakeHypervisorDriver
import Foundation
import HTTPTypes
import HypervisorDriver
import OpenStackHTTP
import StateStore
import Synchronization
import CloudTestSupport
import Testing

@Suite("Scheduling, failures and recovery")
struct SchedulingAndRecoveryTests {
    /// Two controllers on one store boot more servers than fit, at once: no host is ever
    /// overcommitted and every claim belongs to a server placed on that host.
    @Test func concurrentControllersNeverOvercommit() async throws {
        let engine = InMemoryEngine()
        let small = TestCloud.Options(hostsPerSite: 2, vcpus: 2, ramMB: 1024, controllerID: "c1")
        let first = try await TestCloud.make(small, engine: engine)
        var otherOptions = small
        otherOptions.controllerID = "c2"
        let second = try await TestCloud.make(otherOptions, engine: engine, agents: InProcessAgents(sharingDriversWith: first.agents),
                                              register: false)
        let image = try await first.withClient { api in try await api.image(try await api.token("admin", "adminpw", project: "admin"), visibility: "public") }
        // Unlimited quota for the project, then 2 × 30 boots of 128 MiB into 2 hosts of 1536 MiB schedulable RAM.
        let admin = try await first.cloud.identity.authenticate(user: .name("admin", domain: .name("Default")), password: "adminpw",
                                                                scope: .projectName("admin", domain: .name("Default"))).1
        _ = try await first.cloud.quotas.update(project: admin.projectID!, by: admin) { $0 = Quota(instances: -1, cores: -1, ramMB: -1) }
        let command = CreateServerCommand(name: "x", flavorRef: "42", imageRef: image, availabilityZone: "alpha")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<60 {
                let cloud = i % 2 == 0 ? first.cloud : second.cloud
                group.addTask { _ = try await cloud.servers.create(command, by: admin, requestID: "req-\(i)") }
            }
            try await group.waitForAll()
        }
        let servers = first.store.servers("alpha")
        let deadline = ContinuousClock.now + .seconds(20)
        var all: [Server] = []
        repeat {
            try await Task.sleep(for: .milliseconds(50))
            all = try await servers.listAll(after: nil, limit: 1000).map(\.value)
        } while all.contains(where: { $0.taskState != nil }) && ContinuousClock.now < deadline
        #expect(all.count == 60)
        #expect(all.allSatisfy { $0.taskState == nil }, "servers stuck in a task")
        let active = all.filter { $0.vmState == .active }
        #expect(active.count == 24, "expected 24 to fit, \(active.count) are active")
        #expect(all.filter { $0.vmState == .error }.allSatisfy { $0.fault?.message.hasPrefix("No valid host") == true })
        for hostID in first.hosts["alpha"]! {
            let host = try #require(try await first.store.hosts("alpha").find(hostID)?.value)
            let claims = try await first.store.hosts("alpha").claims(on: hostID)
            #expect(host.used.ramMB <= host.schedulable.ramMB)
            #expect(claims.map(\.resources.ramMB).reduce(0, +) == host.used.ramMB)
            #expect(Set(claims.map(\.server)) == Set(active.filter { $0.hostID == hostID }.map(\.id)))
        }
    }

    /// A host whose spawns fail: the boot is retried elsewhere and ends in ERROR after 3 hosts.
    @Test func failingSpawnsAreRescheduledThenError() async throws {
        let cloud = try await TestCloud.make(TestCloud.Options(hostsPerSite: 4, failureRate: 1))
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let id = try await api.boot(demo, imageID: try await api.image(demo))
            let server = try await api.waitServer(demo, id) { $0?["status"] == "ERROR" }
            #expect(server?["fault"]?["message"]?.string?.hasPrefix("Exceeded maximum number of retries") == true)
            let stored = try await cloud.store.servers("alpha").find(id)?.value
            #expect(stored?.triedHosts.count == 3)
            for hostID in cloud.hosts["alpha"]! { #expect(try await cloud.store.hosts("alpha").claims(on: hostID).isEmpty) }
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(id)", token: demo).status == 204)
            try await api.waitServer(demo, id) { $0 == nil }
        }
    }

    /// Fewer hosts than retries: when none is left the fault still says why the spawns failed.
    @Test func noHostLeftAfterFailedSpawnsSaysWhy() async throws {
        let cloud = try await TestCloud.make(TestCloud.Options(hostsPerSite: 2, failureRate: 1))
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let id = try await api.boot(demo, imageID: try await api.image(demo))
            let server = try await api.waitServer(demo, id) { $0?["status"] == "ERROR" }
            let message = server?["fault"]?["message"]?.string ?? ""
            #expect(message.hasPrefix("No valid host was found."))
            #expect(message.contains("Last error:"), "\(message)")
        }
    }

    /// Hosts whose agents stop heartbeating are shown down and get no servers.
    @Test func downHostsAreNotScheduled() async throws {
        let cloud = try await TestCloud.make(TestCloud.Options(hostLeaseTTL: .milliseconds(500)))
        try await Task.sleep(for: .milliseconds(800))
        try await cloud.withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            try await Task.sleep(for: .milliseconds(1100))  // the scheduler's cached view of hosts expires
            let hypervisors = try await api.call(.get, "/compute/v2.1/os-hypervisors", token: admin).json?["hypervisors"]?.array ?? []
            #expect(hypervisors.allSatisfy { $0["state"] == "down" })
            let id = try await api.boot(admin, imageID: try await api.image(admin))
            let server = try await api.waitServer(admin, id) { $0?["status"] == "ERROR" }
            #expect(server?["fault"]?["message"]?.string?.contains("ComputeFilter") == true)
        }
    }

    /// Controller A dies mid-boot (its spawns never return, its lease is gone); controller B of the
    /// site adopts the task and finishes the boot.
    @Test func anotherControllerFinishesADeadControllersBoot() async throws {
        let engine = InMemoryEngine()
        let agentsA = InProcessAgents()
        agentsA.holdSpawns.withLock { $0 = true }
        let a = try await TestCloud.make(TestCloud.Options(controllerID: "ctl-a"), engine: engine, agents: agentsA)
        let b = try await TestCloud.make(TestCloud.Options(controllerID: "ctl-b"), engine: engine,
                                         agents: InProcessAgents(sharingDriversWith: agentsA), register: false)
        let id: String = try await a.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let id = try await api.boot(demo, imageID: try await api.image(demo))
            try await api.waitServer(demo, id) { $0?["OS-EXT-STS:task_state"] == "spawning" }
            return id
        }
        #expect(try await b.cloud.tasks.recoverOrphans(site: "alpha") == 1)
        try await b.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            try await api.waitStatus(demo, id, "ACTIVE")
        }
        #expect(try await engine.get("servers/\(id)", in: .site("alpha")) != nil)
        #expect(try await b.store.servers("alpha").withTasks().isEmpty)
    }

    /// Reconcile: a machine no server owns is destroyed; an idle server whose machine vanished goes to ERROR.
    @Test func reconcileRemovesOrphansAndReportsVanishedMachines() async throws {
        let cloud = try await TestCloud.make(TestCloud.Options(hostsPerSite: 1))
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let id = try await api.boot(demo, imageID: try await api.image(demo))
            try await api.waitStatus(demo, id, "ACTIVE")
            let hostID = cloud.hosts["alpha"]![0]
            let driver = try #require(cloud.agents.driver(hostID))
            await driver.simulateOrphan("orphan-1")
            await driver.simulateVanish(id)
            let report = ReconcileReport(machines: await driver.list(), takenAt: Date().addingTimeInterval(10))
            let orders = try await cloud.cloud.hostRegistry.reconcile(report, host: hostID, site: "alpha")
            #expect(orders.destroy == ["orphan-1"])
            let server = try await api.waitServer(demo, id) { $0?["status"] == "ERROR" }
            #expect(server?["fault"]?["message"]?.string?.contains("disappeared") == true)
        }
    }
}

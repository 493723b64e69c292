import CloudModel
import Foundation
import Testing

@Suite("Server lifecycle")
struct ServerLifecycleTests {
    @Test func stopFromActive() throws {
        #expect(try ServerLifecycle.task(for: .stop, vmState: .active, taskState: nil).get() == .stopping)
        #expect(ServerLifecycle.completion(of: .stopping) == (.stopped, .shutdown))
    }

    @Test func startOnlyFromStopped() throws {
        #expect(try ServerLifecycle.task(for: .start, vmState: .stopped, taskState: nil).get() == .starting)
        #expect(throws: LifecycleRefusal.invalidState(action: "start", vmState: .active)) {
            try ServerLifecycle.task(for: .start, vmState: .active, taskState: nil).get()
        }
    }

    @Test func busyServersRefuseActions() {
        #expect(throws: LifecycleRefusal.busy(action: "pause", taskState: .spawning)) {
            try ServerLifecycle.task(for: .pause, vmState: .building, taskState: .spawning).get()
        }
    }

    @Test func deleteIsAllowedDuringOtherTasksButNotTwice() throws {
        #expect(try ServerLifecycle.task(for: .delete, vmState: .building, taskState: .spawning).get() == .deleting)
        #expect(throws: LifecycleRefusal.self) { try ServerLifecycle.task(for: .delete, vmState: .active, taskState: .deleting).get() }
    }

    @Test(arguments: [
        (ServerAction.pause, VMState.active, TaskState.pausing, VMState.paused),
        (.unpause, .paused, .unpausing, .active),
        (.suspend, .active, .suspending, .suspended),
        (.resume, .suspended, .resuming, .active),
        (.reboot(hard: false), .active, .rebooting, .active),
        (.reboot(hard: true), .stopped, .rebootingHard, .active),
    ])
    func transitions(action: ServerAction, from: VMState, task: TaskState, to: VMState) throws {
        #expect(try ServerLifecycle.task(for: action, vmState: from, taskState: nil).get() == task)
        #expect(ServerLifecycle.completion(of: task).0 == to)
    }

    @Test func softRebootNeedsARunningServer() {
        #expect(throws: LifecycleRefusal.self) { try ServerLifecycle.task(for: .reboot(hard: false), vmState: .stopped, taskState: nil).get() }
    }

    @Test func statusFollowsNova() {
        #expect(ServerStatus(vmState: .active, taskState: .rebooting) == .reboot)
        #expect(ServerStatus(vmState: .active, taskState: .rebootingHard) == .hardReboot)
        #expect(ServerStatus(vmState: .active, taskState: .stopping) == .active)
        #expect(ServerStatus(vmState: .stopped, taskState: nil) == .shutoff)
        #expect(ServerStatus(vmState: .building, taskState: .scheduling) == .build)
    }

}

/// Every field an event changes is decided by the lifecycle; the runner only commits it.
@Suite("Server lifecycle effects")
struct ServerLifecycleEffectTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    var t1: Date { t0.addingTimeInterval(5) }
    var deadline: Date { t0.addingTimeInterval(300) }

    func building() -> Server {
        let server = Server(id: "s1", name: "vm", projectID: "p", userID: "u", site: "alpha",
                            flavor: Flavor(id: "1", name: "tiny", vcpus: 2, ramMB: 512, diskGB: 1), imageID: "i", keyName: nil,
                            metadata: [:], userData: nil, createdAt: t0, requestID: "req-1")
        return ServerLifecycle.boot(server, owner: "c1", deadline: deadline)
    }

    func placed(on host: String = "h1") -> Server {
        ServerLifecycle.apply(.placed(hostID: host, hostName: "\(host)-name", deadline: deadline), to: building(), now: t0).server!
    }

    @Test func bootIsOwnedAndPlacementMovesToSpawningOnTheHost() {
        let server = placed()
        #expect(server.taskState == .spawning && server.taskOwner == "c1" && server.taskDeadline == deadline)
        #expect(server.hostID == "h1" && server.hostName == "h1-name")
    }

    @Test func aSuccessfulSpawnIsActiveLaunchedAndIdle() {
        let transition = ServerLifecycle.apply(.completed(power: .running), to: placed(), now: t1)
        let server = transition.server!
        #expect(server.vmState == .active && server.powerState == .running && server.taskState == nil)
        #expect(server.taskOwner == nil && server.taskDeadline == nil && server.launchedAt == t1 && server.updatedAt == t1)
        #expect(transition.action == .success && transition.releasedClaim == nil)
    }

    @Test func failedSpawnsReleaseTheClaimAndRescheduleThenError() {
        var server = placed(on: "h1")
        var transition = ServerLifecycle.apply(.spawnFailed("boom", maxAttempts: 2), to: server, now: t1)
        #expect(transition.releasedClaim == "h1" && transition.action == nil)
        server = transition.server!
        #expect(server.taskState == .scheduling && server.hostID == nil && server.triedHosts == ["h1"] && server.fault?.message == "boom")
        server = ServerLifecycle.apply(.placed(hostID: "h2", hostName: "h2", deadline: deadline), to: server, now: t1).server!
        transition = ServerLifecycle.apply(.spawnFailed("again", maxAttempts: 2), to: server, now: t1)
        #expect(transition.releasedClaim == "h2")
        #expect(transition.server?.vmState == .error && transition.server?.taskState == nil && transition.server?.taskOwner == nil)
        #expect(transition.server?.fault?.message.hasPrefix("Exceeded maximum number of retries") == true)
        if case .error? = transition.action {} else { Issue.record("the action should end in error") }
    }

    @Test func noValidHostSaysWhyTheLastSpawnFailed() {
        var server = building()
        server.fault = Fault(code: 500, message: "disk full", created: t0)
        let transition = ServerLifecycle.apply(.noValidHost(reason: "RAMFilter rejected 2"), to: server, now: t1)
        #expect(transition.server?.fault?.message == "No valid host was found. RAMFilter rejected 2 Last error: disk full")
        #expect(transition.server?.vmState == .error)
    }

    @Test func aFailedPowerOperationLeavesTheServerWhereItWas() throws {
        let active = ServerLifecycle.apply(.completed(power: .running), to: placed(), now: t1).server!
        let stopping = try ServerLifecycle.begin(.stop, on: active, requestID: "req-2", owner: "c2", deadline: deadline, now: t1).get()
        #expect(stopping.taskState == .stopping && stopping.taskOwner == "c2" && stopping.requestID == "req-2")
        let transition = ServerLifecycle.apply(.operationFailed("agent down"), to: stopping, now: t1)
        #expect(transition.server?.vmState == .active && transition.server?.taskState == nil && transition.action == .error("agent down"))
    }

    @Test func aFinishedDeletionRemovesTheRecordReleasesTheHostAndGivesUsageBack() throws {
        let active = ServerLifecycle.apply(.completed(power: .running), to: placed(), now: t1).server!
        let deleting = try ServerLifecycle.begin(.delete, on: active, requestID: "req-3", owner: "c1", deadline: deadline, now: t1).get()
        let transition = ServerLifecycle.apply(.completed(power: .noState), to: deleting, now: t1)
        #expect(transition.server == nil && transition.releasedClaim == "h1" && transition.action == .success)
        #expect(transition.usage == Usage(instances: -1, cores: -2, ramMB: -512))
    }

    @Test func adoptionChangesOnlyOwnerAndDeadline() {
        let server = placed()
        let adopted = ServerLifecycle.apply(.adopted(owner: "c9", deadline: t1), to: server, now: t1).server!
        var expected = server
        expected.taskOwner = "c9"
        expected.taskDeadline = t1
        #expect(adopted == expected)
    }

    @Test func theReconcileFindsVanishedAndStoppedMachines() {
        let active = ServerLifecycle.apply(.completed(power: .running), to: placed(), now: t1).server!
        let vanished = ServerLifecycle.apply(.machineVanished(host: "h1-name"), to: active, now: t1).server!
        #expect(vanished.vmState == .error && vanished.fault?.message.contains("disappeared from host h1-name") == true)
        let off = ServerLifecycle.apply(.machineFound(power: .crashed), to: active, now: t1).server!
        #expect(off.vmState == .stopped && off.powerState == .crashed)
        let stopped = ServerLifecycle.apply(.completed(power: .shutdown), to: try! ServerLifecycle.begin(
            .stop, on: active, requestID: "r", owner: "c1", deadline: deadline, now: t1).get(), now: t1).server!
        #expect(ServerLifecycle.apply(.machineFound(power: .shutdown), to: stopped, now: t1).server == stopped)
    }
}

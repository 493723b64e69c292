import CloudModel
import Testing

@Suite("Server lifecycle")
struct ServerLifecycleTests {
    @Test func stopFromActive() throws {
        #expect(try ServerLifecycle.begin(.stop, vmState: .active, taskState: nil).get() == .poweringOff)
        #expect(ServerLifecycle.completion(of: .poweringOff) == (.stopped, .shutdown))
    }

    @Test func startOnlyFromStopped() throws {
        #expect(try ServerLifecycle.begin(.start, vmState: .stopped, taskState: nil).get() == .poweringOn)
        #expect(throws: LifecycleRefusal.invalidState(action: "start", vmState: .active)) {
            try ServerLifecycle.begin(.start, vmState: .active, taskState: nil).get()
        }
    }

    @Test func busyServersRefuseActions() {
        #expect(throws: LifecycleRefusal.busy(action: "pause", taskState: .spawning)) {
            try ServerLifecycle.begin(.pause, vmState: .building, taskState: .spawning).get()
        }
    }

    @Test func deleteIsAllowedDuringOtherTasksButNotTwice() throws {
        #expect(try ServerLifecycle.begin(.delete, vmState: .building, taskState: .spawning).get() == .deleting)
        #expect(throws: LifecycleRefusal.self) { try ServerLifecycle.begin(.delete, vmState: .active, taskState: .deleting).get() }
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
        #expect(try ServerLifecycle.begin(action, vmState: from, taskState: nil).get() == task)
        #expect(ServerLifecycle.completion(of: task).0 == to)
    }

    @Test func softRebootNeedsARunningServer() {
        #expect(throws: LifecycleRefusal.self) { try ServerLifecycle.begin(.reboot(hard: false), vmState: .stopped, taskState: nil).get() }
    }

    @Test func statusFollowsNova() {
        #expect(ServerStatus(vmState: .active, taskState: .rebooting) == .reboot)
        #expect(ServerStatus(vmState: .active, taskState: .rebootingHard) == .hardReboot)
        #expect(ServerStatus(vmState: .active, taskState: .poweringOff) == .active)
        #expect(ServerStatus(vmState: .stopped, taskState: nil) == .shutoff)
        #expect(ServerStatus(vmState: .building, taskState: .scheduling) == .build)
    }

    @Test func failedBootIsAnError() {
        #expect(ServerLifecycle.failure(of: .spawning, from: .building) == .error)
        #expect(ServerLifecycle.failure(of: .pausing, from: .active) == .active)
    }
}

import FakeHypervisorDriver
import Foundation
import HypervisorDriver
import Testing
import TestSupport

@Suite("Fake driver conformance")
struct FakeDriverConformanceTests {
    @Test(arguments: DriverConformance.checks.map(\.0))
    func conformance(_ name: String) async throws {
        let check = DriverConformance.checks.first { $0.0 == name }!.1
        try await check(FakeHypervisorDriver())
    }

    @Test func failedSpawnLeavesNothing() async throws {
        try await DriverConformance.failedSpawnLeavesNothing(FakeHypervisorDriver(configuration: .init(failureRate: 1)))
    }

    @Test func spawnDelayIsHonoured() async throws {
        let driver = FakeHypervisorDriver(configuration: .init(spawnDelay: .milliseconds(100)))
        let start = ContinuousClock.now
        _ = try await driver.spawn(DriverConformance.spec("slow"))
        #expect(ContinuousClock.now - start >= .milliseconds(100))
    }

    /// Machines outlive the driver through its state file; saves re-encode only what changed,
    /// so a reload must still see every machine as last changed and none that was destroyed.
    @Test func machinesOutliveTheDriverThroughItsStateFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("luc-fake-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let first = FakeHypervisorDriver(stateFile: file)
        for id in ["a", "b", "c"] { _ = try await first.spawn(DriverConformance.spec(id)) }
        await first.save()
        _ = try await first.pause("b")
        await first.destroy("c")
        await first.save()
        let second = FakeHypervisorDriver(stateFile: file)
        #expect(await second.list().map(\.serverID).sorted() == ["a", "b"])
        #expect(await second.inspect("b")?.state == .paused)
        #expect(await second.inspect("a")?.state == .running)
        _ = try await second.spawn(DriverConformance.spec("d"))
        await second.save()  // the machines loaded are written again with the new one
        #expect(await FakeHypervisorDriver(stateFile: file).list().map(\.serverID).sorted() == ["a", "b", "d"])
    }
}

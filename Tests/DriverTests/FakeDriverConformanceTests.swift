import FakeHypervisorDriver
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
}

import CloudModel
import Testing

@Suite("Quota")
struct QuotaTests {
    @Test func withinLimits() {
        #expect(Quota.defaults.exceeded(usage: Usage(instances: 9, cores: 19, ramMB: 0), adding: Usage(instances: 1, cores: 1, ramMB: 512)) == nil)
    }

    @Test func namesTheFirstLimitExceeded() {
        #expect(Quota.defaults.exceeded(usage: Usage(instances: 10), adding: Usage(instances: 1)) == "instances")
        #expect(Quota.defaults.exceeded(usage: Usage(cores: 20), adding: Usage(instances: 1, cores: 1)) == "cores")
        #expect(Quota.defaults.exceeded(usage: Usage(), adding: Usage(instances: 1, cores: 1, ramMB: 60000)) == "ram")
    }

    @Test func minusOneIsUnlimited() {
        let unlimited = Quota(instances: -1, cores: -1, ramMB: -1)
        #expect(unlimited.exceeded(usage: Usage(instances: 1_000_000), adding: Usage(instances: 1000, cores: 1000, ramMB: 1 << 30)) == nil)
    }

    @Test func flavorResourcesRoundSwapUp() {
        let flavor = Flavor(id: "x", name: "x", vcpus: 2, ramMB: 1024, diskGB: 10, ephemeralGB: 5, swapMB: 1)
        #expect(flavor.resources == Resources(vcpus: 2, ramMB: 1024, diskGB: 16))
    }
}

import CloudModel
import Scheduling
import Testing

@Suite("Placement pipeline")
struct PlacementPipelineTests {
    static func host(_ name: String, site: String = "a", vcpus: Int = 4, ram: Int = 4096, usedRAM: Int = 0, up: Bool = true,
                     enabled: Bool = true) -> HostSnapshot {
        HostSnapshot(host: ComputeHost(id: name, name: name, site: site, capacity: Resources(vcpus: vcpus, ramMB: ram, diskGB: 100),
                                       used: Resources(vcpus: 0, ramMB: usedRAM, diskGB: 0), cpuAllocationRatio: 1,
                                       ramAllocationRatio: 1, enabled: enabled, agentURL: "", hypervisorType: "fake",
                                       hostIP: "", number: 1),
                     isUp: up)
    }

    let request = PlacementRequest(resources: Resources(vcpus: 1, ramMB: 1024, diskGB: 10))

    @Test func downAndDisabledHostsAreFilteredOut() {
        let ranked = PlacementPipeline.standard.rank([Self.host("down", up: false), Self.host("off", enabled: false),
                                                      Self.host("ok")], for: request)
        #expect(ranked.map(\.host.name) == ["ok"])
    }

    @Test func fullHostsAreFilteredOut() {
        let ranked = PlacementPipeline.standard.rank([Self.host("full", usedRAM: 4000), Self.host("room")], for: request)
        #expect(ranked.map(\.host.name) == ["room"])
    }

    @Test func spreadsByFreeRAM() {
        let ranked = PlacementPipeline.standard.rank([Self.host("busy", usedRAM: 2048), Self.host("idle")], for: request)
        #expect(ranked.map(\.host.name) == ["idle", "busy"])
    }

    @Test func zoneAndRetryFilters() {
        var zoned = request
        zoned.zone = "b"
        zoned.excludedHosts = ["b2"]
        let ranked = PlacementPipeline.standard.rank([Self.host("a1"), Self.host("b1", site: "b"), Self.host("b2", site: "b")], for: zoned)
        #expect(ranked.map(\.host.name) == ["b1"])
    }

    @Test func explainsRejections() {
        let text = PlacementPipeline.standard.explain([Self.host("down", up: false), Self.host("full", usedRAM: 4096)], for: request)
        #expect(text.contains("ComputeFilter rejected 1"))
        #expect(text.contains("RAMFilter rejected 1"))
    }
}

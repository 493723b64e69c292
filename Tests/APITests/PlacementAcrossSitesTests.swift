import CloudModel
import ControlPlane
import Foundation
import HTTPTypes
import OpenStackHTTP
import StateStore
import CloudTestSupport
import Testing

/// Boots without a zone: the receiving controller's site first, then the nearest site whose
/// capacity summary in `global` says it has room (no other site's keyspace read).
@Suite("Placement across sites")
struct PlacementAcrossSitesTests {
    /// Alpha's hosts disabled (alpha is full); a controller at each site; `publishBeta` says
    /// whether beta's controller has published its summary.
    func cloud(publishBeta: Bool) async throws -> TestCloud {
        let engine = InMemoryEngine()
        var options = TestCloud.Options()
        options.site = "beta"
        options.controllerID = "beta-controller"
        let beta = try await TestCloud.make(options, engine: engine)
        for id in beta.hosts["alpha"] ?? [] {
            let host = try #require(try await beta.store.hosts("alpha").find(id))
            var disabled = host.value
            disabled.enabled = false
            var txn = Transaction()
            beta.store.hosts("alpha").stagePut(disabled, expecting: host.revision, into: &txn)
            try await beta.store.commit(txn, in: .site("alpha"))
        }
        if publishBeta { try await beta.cloud.placement.publishCapacity() }
        return try await TestCloud.make(engine: engine, agents: beta.agents, register: false)
    }

    func bootWithoutZone(_ alpha: TestCloud) async throws -> JSON? {
        try await alpha.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            let create = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"anywhere","imageRef":"\(image)","flavorRef":"42"}}
                """)
            let id = create.json?["server"]?["id"]?.string ?? ""
            return try await api.waitServer(demo, id) { ["ACTIVE", "ERROR"].contains($0?["status"]?.string ?? "") }
        }
    }

    @Test func aFullSiteSendsTheBootToTheNearestSiteWithRoom() async throws {
        let server = try await bootWithoutZone(try await cloud(publishBeta: true))
        #expect(server?["status"] == "ACTIVE")
        #expect(server?["OS-EXT-AZ:availability_zone"] == "beta")
    }

    @Test func withoutASummaryTheBootStaysHome() async throws {
        let server = try await bootWithoutZone(try await cloud(publishBeta: false))
        #expect(server?["status"] == "ERROR")
        #expect(server?["OS-EXT-AZ:availability_zone"] == "alpha")
    }

    @Test func summaryCountsOnlyLiveEnabledHosts() async throws {
        let alpha = try await cloud(publishBeta: true)
        try await alpha.cloud.placement.publishCapacity()
        let summaries = try await alpha.store.capacities.all()
        let byID = Dictionary(uniqueKeysWithValues: summaries.map { ($0.site, $0) })
        #expect(byID["alpha"]?.hostsUp == 0)
        #expect(byID["alpha"]?.mayFit(Resources(vcpus: 1, ramMB: 128, diskGB: 1)) == false)
        #expect(byID["beta"]?.hostsUp == 2)
        #expect(byID["beta"]?.largestFree.ramMB ?? 0 >= 16384)
    }

    @Test func latencyMatrixOrdersSitesBeforeDistance() async throws {
        let store = Store(engine: InMemoryEngine())
        let sites = [Site(id: "a", index: 1, name: "A", latitude: 48.1, longitude: -1.7),
                     Site(id: "near", index: 2, name: "Near", latitude: 48.2, longitude: -1.6),
                     Site(id: "far", index: 3, name: "Far", latitude: 43.6, longitude: 7.0)]
        var txn = Transaction()
        for site in sites { store.sites.stagePut(site, expecting: nil, into: &txn) }
        try await store.commit(txn, in: .global)
        let byDistance = SiteDirectory(store: store)
        try await byDistance.refresh()
        #expect(await byDistance.byDistance(from: "a").map(\.id) == ["a", "near", "far"])
        let measured = SiteDirectory(store: store, latencyMS: ["near": 40, "far": 3])
        try await measured.refresh()
        #expect(await measured.byDistance(from: "a").map(\.id) == ["a", "far", "near"])
    }
}

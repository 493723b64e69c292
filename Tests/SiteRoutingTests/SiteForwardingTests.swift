import AsyncHTTPClient
import CloudModel
import CloudTestSupport
import Controller
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InternalAPI
import OpenStackHTTP
import SiteRouting
import StateStore
import Synchronization
import Testing

/// Two controllers of two sites over one store, each with its own router: alpha's forwards what
/// belongs to beta to beta's router, served on a real port.
@Suite("Forwarding between two sites' controllers")
struct SiteForwardingTests {
    /// Runs `body` with a client of alpha's forwarding router, beta's controller live behind it.
    func withTwoSites(betaReachable: Bool = true,
                      _ body: @Sendable (APIClient, TestCloud, TestCloud) async throws -> Void) async throws {
        var betaOptions = TestCloud.Options()
        betaOptions.site = "beta"
        betaOptions.controllerID = "beta-1"
        let beta = try await TestCloud.make(betaOptions)
        var alphaOptions = TestCloud.Options()
        alphaOptions.controllerID = "alpha-1"
        let alpha = try await TestCloud.make(alphaOptions, engine: beta.store.engine, register: false)
        try await Application(router: beta.router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            .test(.live) { betaClient in
                let url = betaReachable ? "http://127.0.0.1:\(betaClient.port!)" : "http://127.0.0.1:9"
                try await beta.store.leases("beta").renew(.controller, id: "beta-1", payload: url, ttl: .seconds(60))
                let directory = SiteControllers(store: beta.store, site: "alpha", sites: ["alpha", "beta"])
                let router = ControllerApplication.router(cloud: alpha.cloud, secret: ClusterSecret("secret"),
                                                          forwarding: (HTTPClient.shared, directory))
                try await Application(router: router).test(.router) { client in
                    try await body(APIClient(client: client), alpha, beta)
                }
            }
    }

    @Test func aZoneHostBootThroughTheWrongSiteIsForwardedAndLandsOnThatHost() async throws {
        try await withTwoSites { api, alpha, beta in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let image = try await api.image(admin)
            let id = try await api.boot(admin, imageID: image, zone: "beta:beta-h2")
            let server = try await api.waitServer(admin, id) { $0?["status"] == "ACTIVE" }
            #expect(server?["OS-EXT-AZ:availability_zone"] == "beta")
            #expect(server?["OS-EXT-SRV-ATTR:host"] == "beta-h2")
            #expect(alpha.agents.calls.withLock { $0 } == 0, "alpha called an agent of beta across the WAN")
            #expect(beta.agents.calls.withLock { $0 } > 0)
            let action = try await beta.store.actions("beta").list(server: id).first
            #expect(action?.action == "create")
            // The same boot without the host goes to either host of beta, still through beta.
            let other = try await api.boot(admin, imageID: image, zone: "beta")
            try await api.waitStatus(admin, other, "ACTIVE")
            #expect(alpha.agents.calls.withLock { $0 } == 0)
        }
    }

    @Test func aHostOutsideTheZoneOrForcedByANonAdminIsRefused() async throws {
        try await withTwoSites { api, _, _ in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(admin, visibility: "public")
            let refused = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"x","imageRef":"\(image)","flavorRef":"42","availability_zone":"beta:beta-h1"}}
                """)
            #expect(refused.status == 403, "\(refused.text)")
            let wrongZone = try await api.boot(admin, imageID: image, zone: "beta:alpha-h1")
            let failed = try await api.waitServer(admin, wrongZone) { $0?["status"] == "ERROR" }
            #expect(failed?["fault"]?["message"]?.string?.contains("RequestedHostFilter") == true, "\(String(describing: failed))")
        }
    }

    @Test func requestsAboutAServerGoToItsHomeSite() async throws {
        try await withTwoSites { api, alpha, _ in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let image = try await api.image(admin)
            let id = try await api.boot(admin, imageID: image, zone: "beta")
            try await api.waitStatus(admin, id, "ACTIVE")
            let stop = try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: admin, json: #"{"os-stop":null}"#)
            #expect(stop.status == 202)
            try await api.waitStatus(admin, id, "SHUTOFF")
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(id)", token: admin).status == 204)
            try await api.waitServer(admin, id) { $0 == nil }
            #expect(alpha.agents.calls.withLock { $0 } == 0)
        }
    }

    @Test func anUnreachableSiteIs503NamingTheSiteNotAnAddress() async throws {
        try await withTwoSites(betaReachable: false) { api, _, _ in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let image = try await api.image(admin)
            let reply = try await api.call(.post, "/compute/v2.1/servers", token: admin, json: """
                {"server":{"name":"x","imageRef":"\(image)","flavorRef":"42","availability_zone":"beta"}}
                """)
            #expect(reply.status == 503)
            let message = reply.json?["serviceUnavailable"]?["message"]?.string ?? ""
            #expect(message.contains("beta"), "\(message)")
            #expect(!message.contains("127.0.0.1"), "\(message)")
        }
    }
}

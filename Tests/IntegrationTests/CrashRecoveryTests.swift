import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Real processes, killed with SIGKILL: nothing acknowledged is lost, nothing stays stuck.
@Suite("Crash recovery (real processes)", .serialized, .enabled(if: LucProcesses.binary != nil, "build luc first: swift build"))
struct CrashRecoveryTests {
    func image(_ cloud: LucProcesses, _ url: String, _ token: String) async throws -> String {
        let (_, created) = try await cloud.call(.POST, url + "/image/v2/images", token: token,
                                                json: #"{"name":"tiny","disk_format":"raw","container_format":"bare","visibility":"public"}"#)
        let id = try #require(created?["id"] as? String)
        let (status, _) = try await cloud.upload(url + "/image/v2/images/\(id)/file", token: token, bytes: [UInt8](repeating: 1, count: 1024))
        #expect(status == 204)
        return id
    }

    func servers(_ cloud: LucProcesses, _ url: String, _ token: String) async throws -> [[String: Any]] {
        try await cloud.call(.GET, url + "/compute/v2.1/servers/detail", token: token).1?["servers"] as? [[String: Any]] ?? []
    }

    /// kill -9 of the controller driving a boot burst: the site's other controller finishes every
    /// boot within 30 s, and host claims match the servers.
    @Test func controllerKilledMidBurst() async throws {
        let cloud = try LucProcesses(sites: ["alpha"])
        defer { Task { await cloud.stop() } }
        let c1 = try await cloud.controller("c1", site: "alpha", id: "c1")
        let c2 = try await cloud.controller("c2", site: "alpha", id: "c2")
        try cloud.agent("agent", site: "alpha", controllers: [c2, c1], hosts: 2, spawnDelayMS: 3000)
        let token = try await cloud.token(c1)
        _ = try await cloud.eventually("hosts up", timeout: .seconds(30)) {
            let hypervisors = try await cloud.call(.GET, c1 + "/compute/v2.1/os-hypervisors", token: token).1?["hypervisors"] as? [[String: Any]]
            return hypervisors?.filter { $0["state"] as? String == "up" }.count == 2
        }
        let imageID = try await image(cloud, c1, token)
        let (status, _) = try await cloud.call(.POST, c1 + "/compute/v2.1/servers", token: token, json: """
            {"server":{"name":"burst","imageRef":"\(imageID)","flavorRef":"42","min_count":10,"max_count":10}}
            """)
        #expect(status == 202)
        try await Task.sleep(for: .milliseconds(500))
        cloud.kill9("c1")
        let took = try await cloud.eventually("all servers ACTIVE after the kill", timeout: .seconds(40)) {
            let list = try await servers(cloud, c2, token)
            return list.count == 10 && list.allSatisfy { $0["status"] as? String == "ACTIVE" && $0["OS-EXT-STS:task_state"] is NSNull }
        }
        print("controllerKilledMidBurst: all 10 ACTIVE \(took) after kill -9 of the owning controller")
        #expect(took < .seconds(30))
        let stats = try await cloud.call(.GET, c2 + "/compute/v2.1/os-hypervisors/statistics", token: token).1?["hypervisor_statistics"] as? [String: Any]
        #expect(stats?["memory_mb_used"] as? Int == 10 * 128)
        #expect(stats?["running_vms"] as? Int == 10)
    }

    /// kill -9 of an agent: its hosts are down within 10 s and get no servers; restarted, they
    /// come back and serve again.
    @Test func agentKilled() async throws {
        let cloud = try LucProcesses(sites: ["alpha"])
        defer { Task { await cloud.stop() } }
        let c1 = try await cloud.controller("c1", site: "alpha")
        try cloud.agent("agent", site: "alpha", controllers: [c1], hosts: 1)
        let token = try await cloud.token(c1)
        func states() async throws -> [String] {
            (try await cloud.call(.GET, c1 + "/compute/v2.1/os-hypervisors", token: token).1?["hypervisors"] as? [[String: Any]] ?? [])
                .compactMap { $0["state"] as? String }
        }
        _ = try await cloud.eventually("host up", timeout: .seconds(30)) { try await states() == ["up"] }
        cloud.kill9("agent")
        let down = try await cloud.eventually("host down", timeout: .seconds(15)) { try await states() == ["down"] }
        print("agentKilled: host shown down \(down) after kill -9 of its agent")
        #expect(down < .seconds(10))
        let imageID = try await image(cloud, c1, token)
        let (_, created) = try await cloud.call(.POST, c1 + "/compute/v2.1/servers", token: token, json: """
            {"server":{"name":"nowhere","imageRef":"\(imageID)","flavorRef":"42"}}
            """)
        let id = try #require((created?["server"] as? [String: Any])?["id"] as? String)
        _ = try await cloud.eventually("ERROR without a host", timeout: .seconds(15)) {
            let server = try await cloud.call(.GET, c1 + "/compute/v2.1/servers/\(id)", token: token).1?["server"] as? [String: Any]
            return server?["status"] as? String == "ERROR"
        }
        try cloud.agent("agent", site: "alpha", controllers: [c1], hosts: 1)
        _ = try await cloud.eventually("host up again", timeout: .seconds(30)) { try await states() == ["up"] }
    }

    /// Acknowledged writes survive a kill -9 of the controller that made them.
    @Test func acknowledgedWritesSurviveKill() async throws {
        let cloud = try LucProcesses(sites: ["alpha"])
        defer { Task { await cloud.stop() } }
        let c1 = try await cloud.controller("c1", site: "alpha")
        let token = try await cloud.token(c1)
        var keys: [String] = []
        for i in 0..<20 {
            let (status, _) = try await cloud.call(.POST, c1 + "/compute/v2.1/os-keypairs", token: token,
                                                   json: #"{"keypair":{"name":"k\#(i)"}}"#)
            #expect(status == 200)
            keys.append("k\(i)")
        }
        cloud.kill9("c1")
        let c2 = try await cloud.controller("c2", site: "alpha")
        let again = try await cloud.token(c2)
        let list = try await cloud.call(.GET, c2 + "/compute/v2.1/os-keypairs", token: again).1?["keypairs"] as? [[String: Any]] ?? []
        #expect(Set(list.compactMap { ($0["keypair"] as? [String: Any])?["name"] as? String }) == Set(keys))
    }
}

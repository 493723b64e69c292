import CloudModel
import CloudTestSupport
import Foundation
import HTTPTypes
import OpenStackHTTP
import StateStore
import Testing

/// Server groups: the API, and affinity and anti-affinity enforced by the scheduler.
@Suite("Server groups")
struct ServerGroupTests {
    static func at(_ version: String) -> HTTPFields { [HTTPField.Name("OpenStack-API-Version")!: "compute \(version)"] }

    func group(_ api: APIClient, _ token: String, _ policy: String, version: String = "2.1") async throws -> APIClient.Reply {
        try await api.call(.post, "/compute/v2.1/os-server-groups", token: token,
                           json: #"{"server_group":{"name":"g-\#(policy)","policies":["\#(policy)"]}}"#, headers: Self.at(version))
    }

    func boot(_ api: APIClient, _ token: String, image: String, group: String, zone: String? = nil, name: String = "m") async throws -> APIClient.Reply {
        let zoneField = zone.map { #","availability_zone":"\#($0)""# } ?? ""
        return try await api.call(.post, "/compute/v2.1/servers", token: token, json: """
            {"server":{"name":"\(name)","imageRef":"\(image)","flavorRef":"42"\(zoneField)},"os:scheduler_hints":{"group":"\(group)"}}
            """)
    }

    @Test func antiAffinitySpreadsMembersOverHostsAndRefusesBeyondThem() async throws {
        let cloud = try await TestCloud.make()  // 2 hosts per site
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            let created = try await group(api, demo, "anti-affinity")
            #expect(created.status == 200)
            let g = try #require(created.json?["server_group"]?["id"]?.string)
            #expect(created.json?["server_group"]?["project_id"] == nil, "2.13 field")
            var hosts: [String] = []
            for i in 1...2 {
                let id = try #require(try await boot(api, demo, image: image, group: g, name: "a\(i)").json?["server"]?["id"]?.string)
                try await api.waitStatus(demo, id, "ACTIVE")
                hosts.append(try await cloud.store.servers("alpha").find(id)?.value.hostID ?? "")
            }
            #expect(Set(hosts).count == 2, "members on distinct hosts: \(hosts)")
            let third = try #require(try await boot(api, demo, image: image, group: g, name: "a3").json?["server"]?["id"]?.string)
            let failed = try await api.waitServer(demo, third) { $0?["status"] == "ERROR" }
            #expect(failed?["fault"]?["message"]?.string?.contains("ServerGroupAntiAffinityFilter") == true)
            let shown = try await api.call(.get, "/compute/v2.1/os-server-groups/\(g)", token: demo, headers: Self.at("2.13"))
            #expect(shown.json?["server_group"]?["members"]?.array?.count == 3)
            #expect(shown.json?["server_group"]?["project_id"]?.string?.isEmpty == false)
            #expect(try await api.call(.get, "/compute/v2.1/os-server-groups", token: demo).json?["server_groups"]?.array?.count == 1)
            #expect(try await api.call(.delete, "/compute/v2.1/os-server-groups/\(g)", token: demo).status == 204)
            #expect(try await api.call(.get, "/compute/v2.1/os-server-groups/\(g)", token: demo).status == 404)
        }
    }

    @Test func affinityKeepsMembersOnOneHostAndInOneZone() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            let g = try #require(try await group(api, demo, "affinity").json?["server_group"]?["id"]?.string)
            var hosts: Set<String> = []
            for i in 1...3 {
                let id = try #require(try await boot(api, demo, image: image, group: g, name: "b\(i)").json?["server"]?["id"]?.string)
                try await api.waitStatus(demo, id, "ACTIVE")
                hosts.insert(try await cloud.store.servers("alpha").find(id)?.value.hostID ?? "")
            }
            #expect(hosts.count == 1)
            let elsewhere = try await boot(api, demo, image: image, group: g, zone: "beta")
            #expect(elsewhere.status == 400 && elsewhere.text.contains("alpha"), "\(elsewhere.text)")
        }
    }

    @Test func softPoliciesFrom2_15AndBadBodies() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            #expect(try await group(api, demo, "soft-anti-affinity").status == 400)
            #expect(try await group(api, demo, "soft-anti-affinity", version: "2.15").status == 200)
            #expect(try await group(api, demo, "sideways").status == 400)
            let two = try await api.call(.post, "/compute/v2.1/os-server-groups", token: demo,
                                         json: #"{"server_group":{"name":"x","policies":["affinity","anti-affinity"]}}"#)
            #expect(two.status == 400)
            let unknownGroup = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"x","imageRef":"\(UUID().uuidString)","flavorRef":"42"},"os:scheduler_hints":{"group":"not-a-uuid"}}
                """)
            #expect(unknownGroup.status == 400)
        }
    }
}

import HTTPTypes
import OpenStackHTTP
import StateStore
import CloudTestSupport
import ComputeAPI
import Testing

@Suite("Compute API: servers")
struct ComputeServerTests {
    /// The keys of a server at microversion 2.1 (tempest's schema) for a member; admins also see
    /// the OS-EXT-SRV-ATTR keys.
    static let allowedKeys: Set<String> = [
        "id", "name", "status", "tenant_id", "user_id", "metadata", "hostId", "image", "flavor", "created", "updated",
        "addresses", "accessIPv4", "accessIPv6", "links", "key_name", "OS-DCF:diskConfig", "OS-EXT-AZ:availability_zone",
        "OS-EXT-STS:power_state", "OS-EXT-STS:task_state", "OS-EXT-STS:vm_state", "OS-SRV-USG:launched_at",
        "OS-SRV-USG:terminated_at", "os-extended-volumes:volumes_attached", "security_groups", "config_drive", "progress", "fault",
    ]

    @Test func computeVersions() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let root = try await api.call(.get, "/compute")
            #expect(root.status == 200)
            #expect(root.json?["versions"]?.array?.map { $0["id"]?.string } == ["v2.0", "v2.1"])
            let v21 = try await api.call(.get, "/compute/v2.1")
            #expect(v21.json?["version"]?["version"]?.string == "\(ComputeMicroversions.maximum)")
            #expect(v21.json?["version"]?["min_version"] == "2.1")
        }
    }

    @Test func bootShowListAndDelete() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            let create = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"web","imageRef":"\(image)","flavorRef":"42","metadata":{"role":"web"}}}
                """)
            #expect(create.status == 202)
            #expect(create.headers[.location]?.contains("/compute/v2.1/servers/") == true)
            let id = create.json?["server"]?["id"]?.string ?? ""
            #expect(create.json?["server"]?["adminPass"]?.string?.isEmpty == false)
            try await api.waitStatus(demo, id, "ACTIVE")
            let shown = try await api.call(.get, "/compute/v2.1/servers/\(id)", token: demo).json?["server"]
            let keys = Set(shown?.members?.map(\.0) ?? [])
            #expect(keys.isSubset(of: Self.allowedKeys), "unexpected keys \(keys.subtracting(Self.allowedKeys))")
            #expect(shown?["OS-EXT-STS:power_state"] == 1)
            #expect(shown?["metadata"]?["role"] == "web")
            #expect(shown?["progress"] == 100)
            #expect(shown?["OS-EXT-AZ:availability_zone"] == "alpha")
            let list = try await api.call(.get, "/compute/v2.1/servers", token: demo).json?["servers"]?.array ?? []
            #expect(list.map { $0["id"]?.string } == [id])
            #expect(Set(list.first?.members?.map(\.0) ?? []) == ["id", "name", "links"])
            let byName = try await api.call(.get, "/compute/v2.1/servers/detail?name=we", token: demo).json?["servers"]?.array ?? []
            #expect(byName.count == 1)
            let exact = try await api.call(.get, "/compute/v2.1/servers/detail?name=%5Eweb%24", token: demo).json?["servers"]?.array ?? []
            #expect(exact.count == 1)
            let none = try await api.call(.get, "/compute/v2.1/servers/detail?status=SHUTOFF", token: demo).json?["servers"]?.array ?? []
            #expect(none.isEmpty)
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(id)", token: demo).status == 204)
            try await api.waitServer(demo, id) { $0 == nil }
            let claims = try await cloud.store.hosts("alpha").claims(on: cloud.hosts["alpha"]![0])
                + cloud.store.hosts("alpha").claims(on: cloud.hosts["alpha"]![1])
            #expect(claims.isEmpty)
        }
    }

    @Test func actionsFollowTheLifecycle() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let id = try await api.boot(demo, imageID: try await api.image(demo), zone: "beta")
            try await api.waitStatus(demo, id, "ACTIVE")
            func act(_ body: String) async throws -> Int {
                try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: body).status
            }
            #expect(try await act(#"{"os-start":null}"#) == 409)
            for (action, status) in [(#"{"os-stop":null}"#, "SHUTOFF"), (#"{"os-start":null}"#, "ACTIVE"), (#"{"pause":null}"#, "PAUSED"),
                                     (#"{"unpause":null}"#, "ACTIVE"), (#"{"suspend":null}"#, "SUSPENDED"), (#"{"resume":null}"#, "ACTIVE"),
                                     (#"{"reboot":{"type":"SOFT"}}"#, "ACTIVE"), (#"{"reboot":{"type":"HARD"}}"#, "ACTIVE")] {
                #expect(try await act(action) == 202, "\(action)")
                try await api.waitStatus(demo, id, status)
            }
            let conflict = try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: #"{"unpause":null}"#)
            #expect(conflict.status == 409)
            #expect(conflict.json?["conflictingRequest"]?["code"] == 409)
            let console = try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo,
                                             json: #"{"os-getConsoleOutput":{"length":3}}"#)
            #expect(console.status == 200)
            #expect(console.json?["output"]?.string?.split(separator: "\n", omittingEmptySubsequences: false).count == 3)
            #expect(Set(console.json?.members?.map(\.0) ?? []) == ["output"])
            // The whole console (tempest compares it with a 3-line one) is a boot log.
            let whole = try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo,
                                           json: #"{"os-getConsoleOutput":{"length":-1}}"#)
            #expect((whole.json?["output"]?.string?.split(separator: "\n").count ?? 0) > 20)
            #expect(whole.json?["output"]?.string?.contains("Linux version") == true)
            let actions = try await api.call(.get, "/compute/v2.1/servers/\(id)/os-instance-actions", token: demo)
            let names = actions.json?["instanceActions"]?.array?.compactMap { $0["action"]?.string } ?? []
            #expect(names.contains("create") && names.contains("stop") && names.contains("reboot"))
        }
    }

    @Test func anotherProjectsServerIsNotFound() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let other = try await api.token("other", "otherpw", project: "other")
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let id = try await api.boot(demo, imageID: try await api.image(demo))
            let foreign = try await api.call(.get, "/compute/v2.1/servers/\(id)", token: other)
            #expect(foreign.status == 404)
            #expect(foreign.json?["itemNotFound"]?["code"] == 404)
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(id)", token: other).status == 404)
            #expect(try await api.call(.get, "/compute/v2.1/servers", token: other).json?["servers"]?.array?.isEmpty == true)
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)", token: admin).status == 200)
            let all = try await api.call(.get, "/compute/v2.1/servers/detail?all_tenants=True", token: admin)
            #expect(all.json?["servers"]?.array?.count == 1)
            #expect(all.json?["servers"]?.array?.first?["OS-EXT-SRV-ATTR:host"] != nil)
            #expect(try await api.call(.get, "/compute/v2.1/servers/vm-name", token: demo).status == 404)
        }
    }

    @Test func metadataAndRename() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let id = try await api.boot(demo, imageID: try await api.image(demo))
            let base = "/compute/v2.1/servers/\(id)"
            #expect(try await api.call(.put, "\(base)/metadata", token: demo, json: #"{"metadata":{"a":"1","b":"2"}}"#).json?["metadata"] == .object([("a", "1"), ("b", "2")]))
            #expect(try await api.call(.post, "\(base)/metadata", token: demo, json: #"{"metadata":{"c":"3"}}"#).json?["metadata"]?.members?.count == 3)
            #expect(try await api.call(.put, "\(base)/metadata/d", token: demo, json: #"{"meta":{"d":"4"}}"#).status == 200)
            #expect(try await api.call(.get, "\(base)/metadata/d", token: demo).json?["meta"]?["d"] == "4")
            #expect(try await api.call(.delete, "\(base)/metadata/a", token: demo).status == 204)
            #expect(try await api.call(.get, "\(base)/metadata/a", token: demo).status == 404)
            let renamed = try await api.call(.put, base, token: demo, json: #"{"server":{"name":"renamed","accessIPv6":"0000:0000:0000:0000:0000:babe:220.12.22.2"}}"#)
            #expect(renamed.status == 200)
            #expect(renamed.json?["server"]?["name"] == "renamed")
            #expect(renamed.json?["server"]?["accessIPv6"] == "::babe:dc0c:1602")
            #expect(renamed.json?["server"]?["key_name"] == nil)
        }
    }

    @Test func paginationAndMultipleCreate() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            let reply = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"many","imageRef":"\(image)","flavorRef":"42","min_count":3,"max_count":3}}
                """)
            #expect(reply.status == 202)
            let page1 = try await api.call(.get, "/compute/v2.1/servers?limit=2", token: demo).json
            let first = page1?["servers"]?.array ?? []
            #expect(first.count == 2)
            let next = page1?["servers_links"]?.array?.first?["href"]?.string ?? ""
            #expect(next.contains("marker="))
            let marker = first.last?["id"]?.string ?? ""
            let page2 = try await api.call(.get, "/compute/v2.1/servers?limit=2&marker=\(marker)", token: demo).json?["servers"]?.array ?? []
            #expect(page2.count == 1)
            #expect(Set((first + page2).compactMap { $0["name"]?.string }) == ["many-1", "many-2", "many-3"])
            #expect(try await api.call(.get, "/compute/v2.1/servers?marker=00000000-0000-0000-0000-000000000000", token: demo).status == 400)
        }
    }
}

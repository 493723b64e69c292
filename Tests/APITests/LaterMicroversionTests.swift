import CloudTestSupport
import Foundation
import HTTPTypes
import OpenStackHTTP
import Testing

/// Compute microversions 2.26 to 2.100: each changed format at its version and the one before.
@Suite("Compute microversions 2.26-2.100")
struct LaterMicroversionTests {
    static func at(_ version: String) -> HTTPFields { [HTTPField.Name("OpenStack-API-Version")!: "compute \(version)"] }

    @Test func tagsAPIAndTagsAtBoot() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            let body = #"{"server":{"name":"t","imageRef":"\#(image)","flavorRef":"42","networks":"none","tags":["web","prod"]}}"#
            #expect(try await api.call(.post, "/compute/v2.1/servers", token: demo, json: body, headers: Self.at("2.51")).status == 400)
            let bad = #"{"server":{"name":"t","imageRef":"\#(image)","flavorRef":"42","networks":"none","tags":["a/b"]}}"#
            #expect(try await api.call(.post, "/compute/v2.1/servers", token: demo, json: bad, headers: Self.at("2.52")).status == 400)
            let created = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: body, headers: Self.at("2.52"))
            let id = try #require(created.json?["server"]?["id"]?.string)
            try await api.waitStatus(demo, id, "ACTIVE")
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)", token: demo, headers: Self.at("2.25")).json?["server"]?["tags"] == nil)
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)", token: demo, headers: Self.at("2.26")).json?["server"]?["tags"] == ["web", "prod"])
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)/tags", token: demo, headers: Self.at("2.25")).status == 404)
            let tags = "/compute/v2.1/servers/\(id)/tags"
            let added = try await api.call(.put, "\(tags)/blue", token: demo, headers: Self.at("2.26"))
            #expect(added.status == 201 && added.headers[.location]?.hasSuffix("/tags/blue") == true)
            #expect(try await api.call(.put, "\(tags)/blue", token: demo, headers: Self.at("2.26")).status == 204)
            #expect(try await api.call(.get, "\(tags)/blue", token: demo, headers: Self.at("2.26")).status == 204)
            #expect(try await api.call(.get, "\(tags)/green", token: demo, headers: Self.at("2.26")).status == 404)
            #expect(try await api.call(.get, tags, token: demo, headers: Self.at("2.26")).json?["tags"] == ["web", "prod", "blue"])
            func listed(_ query: String) async throws -> [String] {
                try await api.call(.get, "/compute/v2.1/servers?\(query)", token: demo, headers: Self.at("2.26"))
                    .json?["servers"]?.array?.compactMap { $0["id"]?.string } ?? []
            }
            #expect(try await listed("tags=web,blue") == [id])
            #expect(try await listed("tags=web,green") == [])
            #expect(try await listed("tags-any=green,blue") == [id])
            #expect(try await listed("not-tags-any=blue") == [])
            #expect(try await listed("not-tags=web,green") == [id])
            let replaced = try await api.call(.put, tags, token: demo, json: #"{"tags":["one","one","two"]}"#, headers: Self.at("2.26"))
            #expect(replaced.status == 200 && replaced.json?["tags"] == ["one", "two"])
            #expect(try await api.call(.delete, "\(tags)/one", token: demo, headers: Self.at("2.26")).status == 204)
            #expect(try await api.call(.delete, "\(tags)/one", token: demo, headers: Self.at("2.26")).status == 404)
            #expect(try await api.call(.delete, tags, token: demo, headers: Self.at("2.26")).status == 204)
            #expect(try await api.call(.get, tags, token: demo, headers: Self.at("2.26")).json?["tags"] == [])
            let many = "[" + (1...51).map { "\"t\($0)\"" }.joined(separator: ",") + "]"
            #expect(try await api.call(.put, tags, token: demo, json: #"{"tags":\#(many)}"#, headers: Self.at("2.26")).status == 400)
        }
    }

    @Test func serverViewsAtLaterVersions() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let created = try await api.call(.post, "/image/v2/images", token: demo,
                                             json: #"{"name":"p","disk_format":"raw","container_format":"bare","hw_disk_bus":"virtio","note":"x"}"#)
            let image = try #require(created.json?["id"]?.string)
            #expect(try await api.call(.put, "/image/v2/images/\(image)/file", token: demo, bytes: [1, 2, 3]).status == 204)
            let group = try await api.call(.post, "/compute/v2.1/os-server-groups", token: demo,
                                           json: #"{"server_group":{"name":"g","policy":"anti-affinity","rules":{"max_server_per_host":2}}}"#,
                                           headers: Self.at("2.64"))
            #expect(group.status == 200 && group.json?["server_group"]?["rules"]?["max_server_per_host"] == 2)
            #expect(group.json?["server_group"]?["policies"] == nil && group.json?["server_group"]?["metadata"] == nil)
            let groupID = try #require(group.json?["server_group"]?["id"]?.string)
            let boot = """
                {"server":{"name":"v","imageRef":"\(image)","flavorRef":"42","networks":"auto","availability_zone":"alpha","hostname":"web-1"},
                 "os:scheduler_hints":{"group":"\(groupID)","same_host":"\(groupID)"}}
                """
            let booted = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: boot, headers: Self.at("2.100"))
            let id = try #require(booted.json?["server"]?["id"]?.string, "\(booted.text)")
            try await api.waitStatus(demo, id, "ACTIVE")
            func show(_ version: String) async throws -> JSON? {
                try await api.call(.get, "/compute/v2.1/servers/\(id)", token: demo, headers: Self.at(version)).json?["server"]
            }
            #expect(try await show("2.46")?["flavor"]?["id"] == "42")
            let latest = try await show("2.100")
            #expect(latest?["flavor"]?["original_name"] != nil && latest?["flavor"]?["id"] == nil && latest?["flavor"]?["extra_specs"] == .object([]))
            #expect(latest?["server_groups"] == [.string(groupID)])
            #expect(latest?["locked_reason"] == .null && latest?["trusted_image_certificates"] == .null)
            #expect(latest?["OS-EXT-SRV-ATTR:hostname"] == "web-1", "for everyone from 2.90")
            #expect(try await show("2.89")?["OS-EXT-SRV-ATTR:hostname"] == nil)
            #expect(latest?["pinned_availability_zone"] == "alpha")
            #expect(latest?["image"]?["properties"] == .object([("hw_disk_bus", "virtio")]), "standard properties only")
            #expect(try await show("2.97")?["image"]?["properties"] == nil)
            #expect(latest?["scheduler_hints"] == .object([("same_host", [.string(groupID)])]), "the group hint is not kept, as Nova")
            #expect(try await show("2.99")?["scheduler_hints"] == nil)
            let detail = try await api.call(.get, "/compute/v2.1/servers/detail", token: demo, headers: Self.at("2.100")).json?["servers"]?.array?.first
            #expect(detail?["server_groups"] == nil, "not in the detail list (Nova)")
            #expect(detail?["pinned_availability_zone"] == "alpha")
            // Update: the common view below 2.75, the whole show from it.
            let old = try await api.call(.put, "/compute/v2.1/servers/\(id)", token: demo, json: #"{"server":{"name":"v2"}}"#, headers: Self.at("2.74"))
            #expect(old.json?["server"]?["OS-EXT-AZ:availability_zone"] == nil && old.json?["server"]?["tags"] == [])
            let full = try await api.call(.put, "/compute/v2.1/servers/\(id)", token: demo, json: #"{"server":{"hostname":"web-2.example.org"}}"#,
                                          headers: Self.at("2.94"))
            #expect(full.json?["server"]?["OS-EXT-AZ:availability_zone"] == "alpha" && full.json?["server"]?["OS-EXT-SRV-ATTR:hostname"] == "web-2.example.org")
            #expect(try await api.call(.put, "/compute/v2.1/servers/\(id)", token: demo, json: #"{"server":{"hostname":"a.b"}}"#,
                                       headers: Self.at("2.93")).status == 400, "FQDNs from 2.94")
            // Lock with a reason (2.73) and the locked filter.
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: #"{"lock":{"locked_reason":"audit"}}"#,
                                       headers: Self.at("2.72")).status == 400)
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: #"{"lock":{"locked_reason":"audit"}}"#,
                                       headers: Self.at("2.73")).status == 202)
            #expect(try await show("2.73")?["locked_reason"] == "audit")
            let locked = try await api.call(.get, "/compute/v2.1/servers?locked=true", token: demo, headers: Self.at("2.73"))
            #expect(locked.json?["servers"]?.array?.count == 1)
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: #"{"unlock":null}"#).status == 202)
            #expect(try await show("2.73")?["locked_reason"] == .null)
            // Topology (2.78): no NUMA guests.
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)/topology", token: demo, headers: Self.at("2.77")).status == 404)
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)/topology", token: demo, headers: Self.at("2.78")).json?["nodes"] == [])
        }
    }

    @Test func bootAndListValidationByVersion() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            func create(_ extra: String, _ version: String) async throws -> Int {
                try await api.call(.post, "/compute/v2.1/servers", token: demo,
                                   json: #"{"server":{"name":"n","imageRef":"\#(image)","flavorRef":"42"\#(extra)}}"#,
                                   headers: Self.at(version)).status
            }
            #expect(try await create("", "2.37") == 400, "networks required from 2.37")
            #expect(try await create(#","networks":"none""#, "2.36") == 400, "none and auto from 2.37")
            #expect(try await create(#","networks":"none""#, "2.37") == 202)
            #expect(try await create(#","networks":"none","personality":[]"#, "2.56") == 202)
            #expect(try await create(#","networks":"none","personality":[]"#, "2.57") == 400)
            #expect(try await create(#","networks":"none","trusted_image_certificates":["c1"]"#, "2.63") == 400)
            #expect(try await create(#","networks":"none","host":"alpha-h1""#, "2.74") == 403, "admins only")
            #expect(try await create(#","networks":"none","hostname":"x""#, "2.89") == 400)
            #expect(try await create(#","block_device_mapping_v2":[{"source_type":"image","destination_type":"local","uuid":"\#(image)","boot_index":0,"tag":"root"}]"#, "2.32") == 202)
            #expect(try await create(#","block_device_mapping_v2":[{"source_type":"image","destination_type":"local","uuid":"\#(image)","boot_index":0,"tag":"root"}]"#, "2.33") == 400)
            func list(_ query: String, _ version: String) async throws -> Int {
                try await api.call(.get, "/compute/v2.1/servers?\(query)", token: demo, headers: Self.at(version)).status
            }
            #expect(try await list("bogus=1", "2.74") == 200)
            #expect(try await list("bogus=1", "2.75") == 400, "unknown query parameters refused from 2.75")
            #expect(try await list("status=NOPE", "2.37") == 200, "non-admins get an empty list below 2.38")
            #expect(try await list("status=NOPE", "2.38") == 400)
            #expect(try await list("changes-before=2020-01-01T00:00:00Z&changes-since=2021-01-01T00:00:00Z", "2.66") == 400)
            #expect(try await list("sort_key=display_name&sort_dir=asc", "2.75") == 200)
            #expect(try await list("sort_key=nope", "2.75") == 400)
        }
    }

    @Test func flavorsKeypairsGroupsLimitsAndQuotas() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let demo = try await api.token("demo", "demopw", project: "demo")
            // Flavors: description (2.55, editable), extra_specs (2.61), swap 0 (2.75).
            let flavor = try await api.call(.post, "/compute/v2.1/flavors", token: admin,
                                            json: #"{"flavor":{"name":"f1","ram":64,"vcpus":1,"disk":1,"description":"small"}}"#, headers: Self.at("2.55"))
            #expect(flavor.json?["flavor"]?["description"] == "small")
            let fid = try #require(flavor.json?["flavor"]?["id"]?.string)
            #expect(try await api.call(.get, "/compute/v2.1/flavors/\(fid)", token: demo, headers: Self.at("2.54")).json?["flavor"]?["description"] == nil)
            let edited = try await api.call(.put, "/compute/v2.1/flavors/\(fid)", token: admin, json: #"{"flavor":{"description":"tiny"}}"#,
                                            headers: Self.at("2.55"))
            #expect(edited.json?["flavor"]?["description"] == "tiny")
            #expect(try await api.call(.put, "/compute/v2.1/flavors/\(fid)", token: demo, json: #"{"flavor":{"description":"x"}}"#,
                                       headers: Self.at("2.55")).status == 403)
            let v61 = try await api.call(.get, "/compute/v2.1/flavors/\(fid)", token: demo, headers: Self.at("2.61")).json?["flavor"]
            #expect(v61?["extra_specs"] == .object([]) && v61?["swap"] == "")
            #expect(try await api.call(.get, "/compute/v2.1/flavors/\(fid)", token: demo, headers: Self.at("2.75")).json?["flavor"]?["swap"] == 0)
            // Keypairs: generation refused from 2.92, paging from 2.35.
            #expect(try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo, json: #"{"keypair":{"name":"gen"}}"#, headers: Self.at("2.92")).status == 400)
            #expect(try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo, json: #"{"keypair":{"name":"a.b"}}"#, headers: Self.at("2.91")).status == 400)
            for name in ["k1", "k2", "k3"] {
                #expect(try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo, json: #"{"keypair":{"name":"\#(name)"}}"#, headers: Self.at("2.91")).status == 201)
            }
            let page = try await api.call(.get, "/compute/v2.1/os-keypairs?limit=2", token: demo, headers: Self.at("2.35")).json
            #expect(page?["keypairs"]?.array?.count == 2 && page?["keypairs_links"] != nil)
            let rest = try await api.call(.get, "/compute/v2.1/os-keypairs?marker=k2", token: demo, headers: Self.at("2.35")).json
            #expect(rest?["keypairs"]?.array?.compactMap { $0["keypair"]?["name"]?.string } == ["k3"])
            // Server groups below 2.64 keep policies and metadata.
            let old = try await api.call(.post, "/compute/v2.1/os-server-groups", token: demo,
                                         json: #"{"server_group":{"name":"g","policies":["affinity"]}}"#, headers: Self.at("2.63"))
            #expect(old.json?["server_group"]?["policies"] == ["affinity"] && old.json?["server_group"]?["policy"] == nil)
            #expect(try await api.call(.post, "/compute/v2.1/os-server-groups", token: demo,
                                       json: #"{"server_group":{"name":"g","policies":["affinity"]}}"#, headers: Self.at("2.64")).status == 400)
            // Limits and quotas lose the network (2.36), image meta (2.39) and personality (2.57) members.
            func absolute(_ version: String) async throws -> JSON? {
                try await api.call(.get, "/compute/v2.1/limits", token: demo, headers: Self.at(version)).json?["limits"]?["absolute"]
            }
            #expect(try await absolute("2.35")?["maxSecurityGroups"] == -1)
            #expect(try await absolute("2.36")?["maxSecurityGroups"] == nil)
            #expect(try await absolute("2.38")?["maxImageMeta"] == 128)
            #expect(try await absolute("2.39")?["maxImageMeta"] == nil)
            #expect(try await absolute("2.57")?["maxPersonality"] == nil)
            let project = try #require(try await api.call(.get, "/identity/v3/auth/projects", token: demo).json?["projects"]?.array?.first?["id"]?.string)
            let quota = try await api.call(.get, "/compute/v2.1/os-quota-sets/\(project)", token: demo, headers: Self.at("2.57")).json?["quota_set"]
            #expect(quota?["floating_ips"] == nil && quota?["injected_files"] == nil && quota?["instances"] != nil)
            let detail = try await api.call(.get, "/compute/v2.1/os-quota-sets/\(project)/detail", token: demo).json?["quota_set"]
            #expect(detail?["key_pairs"]?["in_use"] == 3 && detail?["instances"]?["limit"] == quota?["instances"] && detail?["cores"]?["reserved"] == 0)
            #expect(try await api.call(.put, "/compute/v2.1/os-quota-sets/\(project)", token: admin,
                                       json: #"{"quota_set":{"floating_ips":5}}"#, headers: Self.at("2.36")).status == 400)
            let original = quota?["instances"]
            #expect(try await api.call(.put, "/compute/v2.1/os-quota-sets/\(project)", token: admin, json: #"{"quota_set":{"instances":3}}"#).status == 200)
            #expect(try await api.call(.delete, "/compute/v2.1/os-quota-sets/\(project)", token: demo).status == 403)
            #expect(try await api.call(.delete, "/compute/v2.1/os-quota-sets/\(project)", token: admin).status == 202)
            #expect(try await api.call(.get, "/compute/v2.1/os-quota-sets/\(project)", token: demo).json?["quota_set"]?["instances"] == original)
        }
    }

    @Test func hypervisorsAndInstanceActions() async throws {
        try await TestCloud.make().withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let demo = try await api.token("demo", "demopw", project: "demo")
            let old = try await api.call(.get, "/compute/v2.1/os-hypervisors/detail", token: admin, headers: Self.at("2.27")).json?["hypervisors"]?.array
            #expect(old?.first?["id"]?.int != nil && old?.first?["cpu_info"]?.string != nil)
            let v53 = try await api.call(.get, "/compute/v2.1/os-hypervisors/detail", token: admin, headers: Self.at("2.53")).json?["hypervisors"]?.array
            let uuid = try #require(v53?.first?["id"]?.string)
            #expect(v53?.first?["cpu_info"]?["arch"] == "x86_64", "an object from 2.28")
            #expect(try await api.call(.get, "/compute/v2.1/os-hypervisors/\(uuid)", token: admin, headers: Self.at("2.53")).status == 200)
            let paged = try await api.call(.get, "/compute/v2.1/os-hypervisors?limit=1", token: admin, headers: Self.at("2.33")).json
            #expect(paged?["hypervisors"]?.array?.count == 1 && paged?["hypervisors_links"] != nil)
            let trimmed = try await api.call(.get, "/compute/v2.1/os-hypervisors/\(uuid)", token: admin, headers: Self.at("2.88")).json?["hypervisor"]
            #expect(trimmed?["vcpus"] == nil && trimmed?["uptime"] != nil)
            #expect(try await api.call(.get, "/compute/v2.1/os-hypervisors/statistics", token: admin, headers: Self.at("2.88")).status == 404)
            let name = try #require(old?.first?["hypervisor_hostname"]?.string)
            #expect(try await api.call(.get, "/compute/v2.1/os-hypervisors/\(name)/search", token: admin).json?["hypervisors"]?.array?.count == 1)
            #expect(try await api.call(.get, "/compute/v2.1/os-hypervisors/\(name)/search", token: admin, headers: Self.at("2.53")).status == 404)
            #expect(try await api.call(.get, "/compute/v2.1/os-hypervisors/nothing-like-it/servers", token: admin).status == 404)
            #expect(try await api.call(.get, "/compute/v2.1/os-hypervisors/\(name)/search", token: demo).status == 403)
            #expect(try await api.call(.get, "/compute/v2.1/os-availability-zone/detail", token: demo).status == 403)
            let withServers = try await api.call(.get, "/compute/v2.1/os-hypervisors/detail?with_servers=true", token: admin, headers: Self.at("2.75"))
            #expect(withServers.json?["hypervisors"]?.array?.allSatisfy { $0["servers"] != nil } == true, "always from 2.75")
            // Instance actions: updated_at and paging (2.58), event hostId (2.62), details (2.84).
            let id = try await api.boot(demo, imageID: try await api.image(demo))
            try await api.waitStatus(demo, id, "ACTIVE")
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: #"{"os-stop":null}"#).status == 202)
            try await api.waitStatus(demo, id, "SHUTOFF")
            let actions = "/compute/v2.1/servers/\(id)/os-instance-actions"
            #expect(try await api.call(.get, actions, token: demo, headers: Self.at("2.57")).json?["instanceActions"]?.array?.first?["updated_at"] == nil)
            let first = try await api.call(.get, "\(actions)?limit=1", token: demo, headers: Self.at("2.58")).json
            let newest = try #require(first?["instanceActions"]?.array?.first)
            #expect(newest["action"] == "stop" && newest["updated_at"] != nil && first?["links"] != nil)
            let marker = try #require(newest["request_id"]?.string)
            #expect(try await api.call(.get, "\(actions)?marker=\(marker)", token: demo, headers: Self.at("2.58"))
                .json?["instanceActions"]?.array?.compactMap { $0["action"]?.string } == ["create"])
            let event = try await api.call(.get, "\(actions)/\(marker)", token: demo, headers: Self.at("2.84")).json?["instanceAction"]?["events"]?.array?.first
            #expect(event?["hostId"]?.string?.isEmpty == false && event?["host"] == nil && event?["details"] == .null)
            let adminEvent = try await api.call(.get, "\(actions)/\(marker)", token: admin, headers: Self.at("2.62")).json?["instanceAction"]?["events"]?.array?.first
            #expect(adminEvent?["host"]?.string?.isEmpty == false && adminEvent?["details"] == nil)
        }
    }
}

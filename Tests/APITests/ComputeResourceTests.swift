import HTTPTypes
import OpenStackHTTP
import CloudTestSupport
import Testing

@Suite("Compute API: flavors, keypairs, admin views")
struct ComputeResourceTests {
    @Test func flavors() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let all = try await api.call(.get, "/compute/v2.1/flavors/detail?is_public=None", token: demo).json?["flavors"]?.array ?? []
            #expect(all.compactMap { $0["id"]?.string } == ["1", "2", "3", "4", "5", "42"])
            #expect(all.first?["swap"] == "" && all.first?["rxtx_factor"]?.number == 1.0)
            let big = try await api.call(.get, "/compute/v2.1/flavors?minRam=4096", token: demo).json?["flavors"]?.array ?? []
            #expect(big.compactMap { $0["id"]?.string } == ["3", "4", "5"])
            let paged = try await api.call(.get, "/compute/v2.1/flavors?limit=2&marker=2", token: demo).json?["flavors"]?.array ?? []
            #expect(paged.compactMap { $0["id"]?.string } == ["3", "4"])
            #expect(try await api.call(.get, "/compute/v2.1/flavors?marker=nope", token: demo).status == 400)
            #expect(try await api.call(.get, "/compute/v2.1/flavors/m1.tiny", token: demo).status == 404)
            #expect(try await api.call(.post, "/compute/v2.1/flavors", token: demo, json: #"{"flavor":{"name":"f","ram":1,"vcpus":1,"disk":1}}"#).status == 403)
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let made = try await api.call(.post, "/compute/v2.1/flavors", token: admin, json: #"{"flavor":{"name":"f.custom","ram":256,"vcpus":1,"disk":1,"id":"99"}}"#)
            #expect(made.status == 200)
            #expect(try await api.call(.delete, "/compute/v2.1/flavors/99", token: admin).status == 202)
        }
    }

    @Test func keypairs() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBJ3cFJ3b+6I9rNXDPP4A5Q0T7mjRAVfb6HgI+XjH4mP test@host"
            let imported = try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo, json: #"{"keypair":{"name":"k1","public_key":"\#(key)"}}"#)
            #expect(imported.status == 200)
            #expect(Set(imported.json?["keypair"]?.members?.map(\.0) ?? []) == ["name", "public_key", "fingerprint", "user_id"])
            #expect(imported.json?["keypair"]?["fingerprint"]?.string?.split(separator: ":").count == 16)
            let generated = try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo, json: #"{"keypair":{"name":"k2"}}"#)
            #expect(generated.json?["keypair"]?["private_key"]?.string?.hasPrefix("-----BEGIN OPENSSH PRIVATE KEY-----") == true)
            #expect(try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo, json: #"{"keypair":{"name":"k1","public_key":"\#(key)"}}"#).status == 409)
            #expect(try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo, json: #"{"keypair":{"name":"k3","public_key":"ssh-rsa garbage"}}"#).status == 400)
            #expect(try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo, json: #"{"keypair":{"name":"bad/name"}}"#).status == 400)
            let list = try await api.call(.get, "/compute/v2.1/os-keypairs", token: demo).json?["keypairs"]?.array ?? []
            #expect(list.count == 2 && list.first?["keypair"]?["name"] == "k1")
            let shown = try await api.call(.get, "/compute/v2.1/os-keypairs/k1", token: demo).json?["keypair"]
            #expect(shown?["id"]?.int != nil && shown?["deleted"] == false)
            #expect(try await api.call(.delete, "/compute/v2.1/os-keypairs/k1", token: demo).status == 202)
            #expect(try await api.call(.get, "/compute/v2.1/os-keypairs/k1", token: demo).status == 404)
        }
    }

    @Test func adminViews() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let admin = try await api.token("admin", "adminpw", project: "admin")
            #expect(try await api.call(.get, "/compute/v2.1/os-hypervisors", token: demo).status == 403)
            let hypervisors = try await api.call(.get, "/compute/v2.1/os-hypervisors/detail", token: admin).json?["hypervisors"]?.array ?? []
            #expect(hypervisors.count == 4)
            #expect(hypervisors.allSatisfy { $0["state"] == "up" && $0["hypervisor_type"] == "fake" })
            let stats = try await api.call(.get, "/compute/v2.1/os-hypervisors/statistics", token: admin).json?["hypervisor_statistics"]
            #expect(stats?["count"] == 4 && stats?["vcpus"] == 32)
            let zones = try await api.call(.get, "/compute/v2.1/os-availability-zone/detail", token: admin).json?["availabilityZoneInfo"]?.array ?? []
            #expect(zones.compactMap { $0["zoneName"]?.string } == ["alpha", "beta"])
            let quota = try await api.call(.get, "/compute/v2.1/os-quota-sets/x", token: admin).json?["quota_set"]
            #expect(quota?["instances"] == 10 && quota?["cores"] == 20)
            let id = try await api.boot(demo, imageID: try await api.image(demo))
            try await api.waitStatus(demo, id, "ACTIVE")
            let usage = try await api.call(.get, "/compute/v2.1/os-simple-tenant-usage/\(try await projectID(api, demo))?start=2020-01-01T00:00:00&end=2100-01-01T00:00:00", token: demo)
            #expect(usage.json?["tenant_usage"]?["server_usages"]?.array?.count == 1)
            let stats2 = try await api.call(.get, "/compute/v2.1/os-hypervisors/statistics", token: admin).json?["hypervisor_statistics"]
            #expect(stats2?["running_vms"] == 1 && stats2?["memory_mb_used"] == 128)
        }
    }

    func projectID(_ api: APIClient, _ token: String) async throws -> String {
        let reply = try await api.call(.get, "/identity/v3/auth/tokens", token: token, headers: [HTTPField.Name("X-Subject-Token")!: token])
        return reply.json?["token"]?["project"]?["id"]?.string ?? ""
    }
}

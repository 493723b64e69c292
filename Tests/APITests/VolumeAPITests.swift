import CloudModel
import CloudTestSupport
import ControlPlane
import FakeHypervisorDriver
import Foundation
import HTTPTypes
import HypervisorDriver
import OpenStackHTTP
import StateStore
import Testing

/// Cinder's volumes through the router, over fake storage: create, list, show, update, metadata,
/// actions, delete, quotas and limits; Nova's `os-volume_attachments` through the fake driver.
@Suite("Block storage")
struct VolumeAPITests {
    /// The project ID of `token` (from the catalog's block-storage URL, as clients find it).
    static func volumeBase(_ api: APIClient, _ token: String) async throws -> String {
        let reply = try await api.call(.get, "/identity/v3/auth/catalog", token: token)
        let entry = reply.json?["catalog"]?.array?.first { $0["type"] == "block-storage" }
        let url = try #require(entry?["endpoints"]?.array?.first?["url"]?.string, "block-storage in the catalog")
        let path = try #require(URL(string: url)?.path)
        #expect(path.hasPrefix("/volume/v3/") && path.count > "/volume/v3/".count, "the URL names the project: \(path)")
        #expect(reply.json?["catalog"]?.array?.contains { $0["type"] == "volumev3" } == true)
        return path
    }

    static func waitVolume(_ api: APIClient, _ token: String, _ url: String, _ status: String) async throws -> JSON? {
        let deadline = ContinuousClock.now + .seconds(10)
        var last: JSON?
        while ContinuousClock.now < deadline {
            let reply = try await api.call(.get, url, token: token)
            last = reply.status == 404 ? nil : reply.json?["volume"]
            if status == "gone" ? reply.status == 404 : last?["status"]?.string == status { return last }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("volume \(url) did not become \(status); last: \(String(describing: last))")
    }

    @Test func volumesAreCreatedListedUpdatedAndDeleted() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await Self.volumeBase(api, demo)
            #expect(try await api.call(.get, "/volume/", token: demo).status == 300)
            let endpoints = try await api.call(.get, "/identity/v3/endpoints", token: demo).json?["endpoints"]?.array ?? []
            #expect(endpoints.contains { $0["url"]?.string == "http://cloud.test/volume/v3/%(project_id)s" }, "Keystone's template in the endpoint list")
            let versions = try await api.call(.get, "/volume/v3/", token: demo)
            #expect(versions.json?["versions"]?.array?.first?["min_version"] == "3.0")
            // The openstack CLI's body, nulls and all.
            let made = try await api.call(.post, "\(base)/volumes", token: demo, json: """
                {"volume":{"size":1,"name":"v1","description":null,"volume_type":null,"availability_zone":null,"imageRef":null,"snapshot_id":null,"source_volid":null,"backup_id":null,"consistencygroup_id":null,"metadata":{"role":"db"}}}
                """)
            #expect(made.status == 202)
            let v = try #require(made.json?["volume"])
            #expect(v["status"] == "creating" && v["size"] == 1 && v["bootable"] == "false" && v["volume_type"] == "__DEFAULT__")
            #expect(v["os-vol-tenant-attr:tenant_id"] == nil, "create answers the summary view")
            #expect(made.headers[HTTPField.Name("OpenStack-API-Version")!] == "volume 3.0")
            let id = try #require(v["id"]?.string)
            #expect(v["availability_zone"] == "alpha", "the receiving controller's site")
            let shown = try await Self.waitVolume(api, demo, "\(base)/volumes/\(id)", "available")
            for key in ["id", "name", "description", "size", "status", "availability_zone", "volume_type", "bootable", "encrypted",
                        "multiattach", "attachments", "metadata", "links", "created_at", "updated_at", "replication_status",
                        "consistencygroup_id", "snapshot_id", "source_volid", "user_id", "os-vol-tenant-attr:tenant_id"] {
                #expect(shown?[key] != nil, "show has \(key)")
            }
            #expect(shown?["metadata"]?["role"] == "db")

            // Another zone, a copy, filters, paging.
            let b = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":"2","name":"v2","availability_zone":"beta"}}"#)
            #expect(b.status == 202 && b.json?["volume"]?["availability_zone"] == "beta")
            let copy = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"source_volid":"\#(id)","name":"v1-copy"}}"#)
            #expect(copy.status == 202 && copy.json?["volume"]?["source_volid"]?.string == id && copy.json?["volume"]?["size"] == 1)
            let copyID = try #require(copy.json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(copyID)", "available")
            let byName = try await api.call(.get, "\(base)/volumes/detail?name=v2", token: demo).json?["volumes"]?.array
            #expect(byName?.count == 1 && byName?.first?["availability_zone"] == "beta")
            let brief = try await api.call(.get, "\(base)/volumes", token: demo).json?["volumes"]?.array
            #expect(brief?.count == 3 && brief?.first?["status"] == nil && brief?.first?["links"] != nil)
            let page = try await api.call(.get, "\(base)/volumes/detail?limit=2&sort=name:asc", token: demo).json
            #expect(page?["volumes"]?.array?.map { $0["name"] } == ["v1", "v1-copy"])
            let next = try #require(page?["volumes_links"]?.array?.first?["href"]?.string)
            #expect(next.contains("marker=\(copyID)"))
            #expect(try await api.call(.get, "\(base)/volumes/detail?marker=nope", token: demo).status == 404, "Cinder's MarkerNotFound")
            #expect(next.contains("/volumes/detail?"), "the next page of a detail listing is a detail listing")
            #expect(try await api.call(.get, "\(base)/volumes/detail?metadata=%7B'role':'db'%7D", token: demo)
                .json?["volumes"]?.array?.count == 1)

            // Update and metadata.
            let renamed = try await api.call(.put, "\(base)/volumes/\(id)", token: demo, json: #"{"volume":{"name":"db","description":"data"}}"#)
            #expect(renamed.status == 200 && renamed.json?["volume"]?["name"] == "db" && renamed.json?["volume"]?["description"] == "data")
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/metadata", token: demo, json: #"{"metadata":{"tier":"gold"}}"#)
                .json?["metadata"] == .object([("role", "db"), ("tier", "gold")]))
            #expect(try await api.call(.delete, "\(base)/volumes/\(id)/metadata/role", token: demo).status == 200)
            #expect(try await api.call(.get, "\(base)/volumes/\(id)/metadata/role", token: demo).status == 404)

            // Another project sees nothing of it; a wrong project in the URL is refused.
            let other = try await api.token("other", "otherpw", project: "other")
            let otherBase = try await Self.volumeBase(api, other)
            #expect(try await api.call(.get, "\(otherBase)/volumes/\(id)", token: other).status == 404)
            #expect(try await api.call(.get, "\(base)/volumes", token: other).status == 400)

            // Extend, bootable, delete.
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: #"{"os-extend":{"new_size":3}}"#).status == 202)
            let grown = try await Self.waitVolume(api, demo, "\(base)/volumes/\(id)", "available")
            #expect(grown?["size"] == 3)
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: #"{"os-set_bootable":{"bootable":true}}"#).status == 202)
            #expect(try await api.call(.get, "\(base)/volumes/\(id)", token: demo).json?["volume"]?["bootable"] == "true")
            for vid in [id, copyID, try #require(b.json?["volume"]?["id"]?.string)] {
                _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vid)", "available")
                #expect(try await api.call(.delete, "\(base)/volumes/\(vid)?cascade=False&force=False", token: demo).status == 202)
                _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vid)", "gone")
            }
            #expect(try await api.call(.get, "\(base)/volumes", token: demo).json?["volumes"]?.array?.isEmpty == true)
        }
    }

    @Test func badInputGetsCindersErrors() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await Self.volumeBase(api, demo)
            for (body, status) in [(#"{"volume":{"size":0}}"#, 400), (#"{"volume":{"size":-1}}"#, 400), (#"{"volume":{"size":1.5}}"#, 400),
                                   (#"{"volume":{"size":"big"}}"#, 400), (#"{"volume":{}}"#, 400), (#"{"size":1}"#, 400),
                                   (#"{"volume":{"size":1,"volume_type":"gold"}}"#, 404),
                                   (#"{"volume":{"size":1,"availability_zone":"nowhere"}}"#, 400),
                                   (#"{"volume":{"size":1,"source_volid":"00000000-0000-4000-8000-000000000001"}}"#, 404)] {
                let reply = try await api.call(.post, "\(base)/volumes", token: demo, json: body)
                #expect(reply.status == status, "\(body): \(reply.status) \(reply.text)")
                #expect(reply.json?.members?.first?.1["message"]?.string != nil, "Cinder's error body for \(body)")
            }
            let made = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":2}}"#)
            let id = try #require(made.json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(id)", "available")
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: #"{"os-extend":{"new_size":1}}"#).status == 400)
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: #"{"os-extend":{"new_size":2}}"#).status == 400)
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: #"{"os-frobnicate":{}}"#).status == 400)
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: #"{"os-reset_status":{"status":"error"}}"#).status == 403)
            #expect(try await api.call(.get, "\(base)/volumes/not-a-uuid", token: demo).status == 404)
            let tooNew = try await api.call(.get, "\(base)/volumes", token: demo, headers: [HTTPField.Name("OpenStack-API-Version")!: "volume 3.59"])
            #expect(tooNew.status == 406)
            // Quota: 1000 GiB by default.
            let big = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1000}}"#)
            #expect(big.status == 413 && big.text.contains("gigabytes"))
            #expect(try await api.call(.get, "\(base)/volumes", token: demo).json?["volumes"]?.array?.count == 1, "nothing partial was written")
        }
    }

    @Test func quotasLimitsTypesAndZones() async throws {
        try await TestCloud.make().withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await Self.volumeBase(api, demo)
            let adminBase = try await Self.volumeBase(api, admin)
            let demoProject = String(base.split(separator: "/").last!)
            #expect(try await api.call(.get, "\(base)/types", token: demo).json?["volume_types"]?.array?.first?["name"] == "__DEFAULT__")
            let zones = try await api.call(.get, "\(base)/os-availability-zone", token: demo).json?["availabilityZoneInfo"]?.array
            #expect(zones?.compactMap { $0["zoneName"]?.string }.sorted() == ["alpha", "beta"])
            let set = try await api.call(.put, "\(adminBase)/os-quota-sets/\(demoProject)", token: admin, json: #"{"quota_set":{"volumes":1}}"#)
            #expect(set.status == 200 && set.json?["quota_set"]?["volumes"] == 1)
            #expect(try await api.call(.put, "\(base)/os-quota-sets/\(demoProject)", token: demo, json: #"{"quota_set":{"volumes":5}}"#).status == 403)
            #expect(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1}}"#).status == 202)
            let over = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1}}"#)
            #expect(over.status == 413 && over.json?["overLimit"] != nil)
            let usage = try await api.call(.get, "\(base)/os-quota-sets/\(demoProject)?usage=True", token: demo).json?["quota_set"]
            #expect(usage?["volumes"]?["in_use"] == 1 && usage?["gigabytes"]?["in_use"] == 1)
            let limits = try await api.call(.get, "\(base)/limits", token: demo).json?["limits"]?["absolute"]
            #expect(limits?["maxTotalVolumes"] == 1 && limits?["totalVolumesUsed"] == 1 && limits?["totalGigabytesUsed"] == 1)
            #expect(try await api.call(.delete, "\(adminBase)/os-quota-sets/\(demoProject)", token: admin).status == 200)
            #expect(try await api.call(.get, "\(base)/limits", token: demo).json?["limits"]?["absolute"]?["maxTotalVolumes"] == 10)
        }
    }

    @Test func novaAttachesAndDetachesThroughTheDriver() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await Self.volumeBase(api, demo)
            let image = try await api.image(demo)
            let server = try await api.boot(demo, imageID: image, zone: "alpha")
            try await api.waitStatus(demo, server, "ACTIVE")
            let vol = try #require(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1,"name":"data"}}"#)
                .json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "available")
            let far = try #require(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1,"availability_zone":"beta"}}"#)
                .json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(far)", "available")
            let attachments = "/compute/v2.1/servers/\(server)/os-volume_attachments"

            let crossZone = try await api.call(.post, attachments, token: demo, json: #"{"volumeAttachment":{"volumeId":"\#(far)"}}"#)
            #expect(crossZone.status == 400 && crossZone.text.contains("availability_zone"), "\(crossZone.text)")
            let attached = try await api.call(.post, attachments, token: demo, json: #"{"volumeAttachment":{"volumeId":"\#(vol)","device":null}}"#)
            #expect(attached.status == 200)
            let view = attached.json?["volumeAttachment"]
            #expect(view?.members?.map(\.0).sorted() == ["device", "id", "serverId", "volumeId"])
            #expect(view?["id"]?.string == vol && view?["volumeId"]?.string == vol && view?["serverId"]?.string == server && view?["device"] == "/dev/vdc")
            let inUse = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "in-use")
            let attachment = inUse?["attachments"]?.array?.first
            #expect(attachment?["server_id"]?.string == server && attachment?["device"] == "/dev/vdc")
            for key in ["id", "attachment_id", "volume_id", "server_id", "host_name", "device"] { #expect(attachment?[key] != nil, "attachment has \(key)") }
            var hostID: String?
            for site in cloud.hosts.keys { if let s = try await cloud.store.servers(site).find(server)?.value { hostID = s.hostID } }
            let host = try #require(hostID)
            let driver = try #require(cloud.agents.driver(host))
            #expect(await driver.inspect(server)?.disks == [vol], "the driver got the disk")
            let shown = try await api.call(.get, "/compute/v2.1/servers/\(server)", token: demo).json?["server"]
            #expect(shown?["os-extended-volumes:volumes_attached"] == [.object([("id", .string(vol))])])
            #expect(try await api.call(.get, attachments, token: demo).json?["volumeAttachments"]?.array?.count == 1)
            #expect(try await api.call(.post, attachments, token: demo, json: #"{"volumeAttachment":{"volumeId":"\#(vol)"}}"#).status == 400,
                    "an attached volume")
            #expect(try await api.call(.delete, "\(base)/volumes/\(vol)", token: demo).status == 400, "a volume in use is not deleted")

            #expect(try await api.call(.delete, "\(attachments)/\(vol)", token: demo).status == 202)
            let free = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "available")
            #expect(free?["attachments"]?.array?.isEmpty == true)
            #expect(await driver.inspect(server)?.disks == [])
            #expect(try await api.call(.get, attachments, token: demo).json?["volumeAttachments"]?.array?.isEmpty == true)
            #expect(try await api.call(.delete, "\(attachments)/\(vol)", token: demo).status == 404)

            // A server's delete releases its volumes.
            #expect(try await api.call(.post, attachments, token: demo, json: #"{"volumeAttachment":{"volumeId":"\#(vol)"}}"#).status == 200)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "in-use")
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(server)", token: demo).status == 204)
            _ = try await api.waitServer(demo, server) { $0 == nil }
            let released = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "available")
            #expect(released?["attachments"]?.array?.isEmpty == true)
        }
    }

    @Test func attachmentsFollowTheMicroversionAndDeleteOnTermination() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await Self.volumeBase(api, demo)
            let server = try await api.boot(demo, imageID: try await api.image(demo))
            try await api.waitStatus(demo, server, "ACTIVE")
            let vol = try #require(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1}}"#).json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "available")
            let attachments = "/compute/v2.1/servers/\(server)/os-volume_attachments"
            let v289: HTTPFields = [HTTPField.Name("OpenStack-API-Version")!: "compute 2.89"]
            #expect(try await api.call(.post, attachments, token: demo, json: #"{"volumeAttachment":{"volumeId":"\#(vol)","tag":"db"}}"#).status == 400,
                    "tag only from 2.49")
            let made = try await api.call(.post, attachments, token: demo,
                                          json: #"{"volumeAttachment":{"volumeId":"\#(vol)","tag":"db","delete_on_termination":true}}"#, headers: v289)
            let view = try #require(made.json?["volumeAttachment"])
            #expect(made.status == 200 && view["id"] == nil && view["tag"] == "db" && view["delete_on_termination"] == true)
            #expect(view["attachment_id"]?.string != nil && view["bdm_uuid"]?.string != nil)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "in-use")
            let atBase = try await api.call(.get, "\(attachments)/\(vol)", token: demo).json?["volumeAttachment"]
            #expect(atBase?.members?.map(\.0).sorted() == ["device", "id", "serverId", "volumeId"], "exactly the 2.1 keys")
            let shown = try await api.call(.get, "/compute/v2.1/servers/\(server)", token: demo, headers: v289).json?["server"]
            let listed = shown?["os-extended-volumes:volumes_attached"]?.array
            #expect(listed?.count == 1 && listed?.first?["id"]?.string == vol && listed?.first?["delete_on_termination"] == true)
            // Deleted with its server.
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(server)", token: demo).status == 204)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "gone")
        }
    }

    @Test func aStorageFailureEndsInErrorAndAnAgentFailureGivesTheVolumeBack() async throws {
        let agents = InProcessAgents()
        let cloud = try await TestCloud.make(agents: agents)
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await Self.volumeBase(api, demo)
            let server = try await api.boot(demo, imageID: try await api.image(demo))
            try await api.waitStatus(demo, server, "ACTIVE")
            var hostID: String?
            for site in cloud.hosts.keys { if let s = try await cloud.store.servers(site).find(server)?.value { hostID = s.hostID } }
            let host = try #require(hostID)
            let driver = try #require(agents.driver(host))
            let vol = try #require(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1}}"#).json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "available")
            // The machine vanishes behind the driver's back: the hot-plug fails, the volume is available again.
            await driver.simulateVanish(server)
            let attachments = "/compute/v2.1/servers/\(server)/os-volume_attachments"
            #expect(try await api.call(.post, attachments, token: demo, json: #"{"volumeAttachment":{"volumeId":"\#(vol)"}}"#).status == 200)
            let back = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "available")
            #expect(back?["attachments"]?.array?.isEmpty == true)
            let found = try await cloud.store.servers("alpha").find(server)
            let record = try #require(found?.value)
            #expect(record.volumes.isEmpty, "the server's record gave the volume back")
        }
    }

    static func waitSnapshot(_ api: APIClient, _ token: String, _ url: String, _ status: String) async throws -> JSON? {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let reply = try await api.call(.get, url, token: token)
            if status == "gone" ? reply.status == 404 : reply.json?["snapshot"]?["status"]?.string == status { return reply.json?["snapshot"] }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("snapshot \(url) did not become \(status)")
    }

    @Test func snapshotsAreTakenAndVolumesMadeFromThem() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await Self.volumeBase(api, demo)
            let vol = try #require(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":2,"availability_zone":"beta"}}"#)
                .json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "available")
            let made = try await api.call(.post, "\(base)/snapshots", token: demo,
                                          json: #"{"snapshot":{"volume_id":"\#(vol)","name":"s1","description":null,"force":false,"metadata":{}}}"#)
            #expect(made.status == 202 && made.json?["snapshot"]?["status"] == "creating" && made.json?["snapshot"]?["size"] == 2)
            let snap = try #require(made.json?["snapshot"]?["id"]?.string)
            let shown = try await Self.waitSnapshot(api, demo, "\(base)/snapshots/\(snap)", "available")
            for key in ["id", "name", "description", "volume_id", "status", "size", "metadata", "created_at", "updated_at"] {
                #expect(shown?[key] != nil, "snapshot has \(key)")
            }
            #expect(try await api.call(.get, "\(base)/snapshots/detail?volume_id=\(vol)", token: demo).json?["snapshots"]?.array?.count == 1)
            let usage = try await api.call(.get, "\(base)/limits", token: demo).json?["limits"]?["absolute"]
            #expect(usage?["totalSnapshotsUsed"] == 1 && usage?["totalGigabytesUsed"] == 4, "a snapshot counts in gigabytes too")
            // A volume with snapshots stays; one made from the snapshot is at its zone, at least its size.
            #expect(try await api.call(.delete, "\(base)/volumes/\(vol)", token: demo).status == 400)
            #expect(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1,"snapshot_id":"\#(snap)"}}"#).status == 400)
            let restored = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"snapshot_id":"\#(snap)","size":null}}"#)
            #expect(restored.status == 202 && restored.json?["volume"]?["snapshot_id"]?.string == snap)
            #expect(restored.json?["volume"]?["availability_zone"] == "beta" && restored.json?["volume"]?["size"] == 2)
            let copy = try #require(restored.json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(copy)", "available")
            #expect(try await api.call(.put, "\(base)/snapshots/\(snap)", token: demo, json: #"{"snapshot":{"name":"s2"}}"#)
                .json?["snapshot"]?["name"] == "s2")
            #expect(try await api.call(.post, "\(base)/snapshots", token: demo, json: #"{"snapshot":{"volume_id":"nope"}}"#).status == 404)
            #expect(try await api.call(.delete, "\(base)/snapshots/\(snap)", token: demo).status == 202)
            _ = try await Self.waitSnapshot(api, demo, "\(base)/snapshots/\(snap)", "gone")
            #expect(try await api.call(.delete, "\(base)/volumes/\(vol)", token: demo).status == 202)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "gone")
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(copy)", "available")
        }
    }

    /// A controller dies between recording an attach and plugging the disk: another controller of
    /// the site adopts the volume's task and the volume ends `in-use` on the machine.
    @Test func anotherControllerFinishesADeadControllersAttach() async throws {
        let engine = InMemoryEngine()
        let a = try await TestCloud.make(TestCloud.Options(controllerID: "ctl-a"), engine: engine)
        let b = try await TestCloud.make(TestCloud.Options(controllerID: "ctl-b"), engine: engine,
                                         agents: InProcessAgents(sharingDriversWith: a.agents), register: false, storage: a.storage)
        let (server, vol): (String, String) = try await a.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await Self.volumeBase(api, demo)
            let server = try await api.boot(demo, imageID: try await api.image(demo), zone: "alpha")
            try await api.waitStatus(demo, server, "ACTIVE")
            let vol = try #require(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1}}"#)
                .json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "available")
            return (server, vol)
        }
        // What the dead controller "ctl-gone" had committed before its attach call: both records.
        let current = try #require(try await a.store.volumes("alpha").find(vol))
        let serverRead = try #require(try await a.store.servers("alpha").find(server))
        let ref = ServerVolume(volumeID: vol, device: "/dev/vdc", attachmentID: "att-1", deleteOnTermination: false, mappingID: "bdm-1")
        var v = current.value
        v.status = .attaching
        v.pending = .attach(VolumeAttachment(id: "att-1", serverID: server, device: "/dev/vdc", hostName: nil, attachedAt: Date()))
        v.taskOwner = "ctl-gone"
        v.taskDeadline = Date().addingTimeInterval(600)
        var s = serverRead.value
        s.volumes = [ref]
        var txn = Transaction()
        a.store.volumes("alpha").stageUpdate(v, from: current, into: &txn)
        a.store.servers("alpha").stageUpdate(s, from: serverRead, into: &txn)
        try await a.store.commit(txn, in: .site("alpha"))

        #expect(try await b.cloud.volumes.tasks.recoverOrphans(site: "alpha") == 1, "ctl-gone holds no lease")
        try await b.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let inUse = try await Self.waitVolume(api, demo, "\(try await Self.volumeBase(api, demo))/volumes/\(vol)", "in-use")
            #expect(inUse?["attachments"]?.array?.first?["server_id"]?.string == server)
        }
        let hostID = try #require(try await a.store.servers("alpha").find(server)?.value.hostID)
        #expect(await a.agents.driver(hostID)?.inspect(server)?.disks == [vol])
    }

    @Test func cindersLegacyAttachRecordsTheAttachment() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await Self.volumeBase(api, demo)
            let vol = try #require(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1}}"#).json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(vol)", "available")
            let action = "\(base)/volumes/\(vol)/action"
            #expect(try await api.call(.post, action, token: demo, json: #"{"os-reserve":{}}"#).status == 202)
            #expect(try await api.call(.get, "\(base)/volumes/\(vol)", token: demo).json?["volume"]?["status"] == "reserved")
            #expect(try await api.call(.post, action, token: demo, json: #"{"os-unreserve":{}}"#).status == 202)
            let server = "95d9ef50-507d-11e5-b970-0800200c9a66"
            #expect(try await api.call(.post, action, token: demo, json: #"{"os-attach":{"instance_uuid":"\#(server)","mountpoint":"/dev/vdc"}}"#).status == 202)
            let v = try await api.call(.get, "\(base)/volumes/\(vol)", token: demo).json?["volume"]
            #expect(v?["status"] == "in-use" && v?["attachments"]?.array?.first?["server_id"]?.string == server)
            #expect(try await api.call(.post, action, token: demo, json: #"{"os-begin_detaching":{}}"#).status == 202)
            #expect(try await api.call(.get, "\(base)/volumes/\(vol)", token: demo).json?["volume"]?["status"] == "detaching")
            #expect(try await api.call(.post, action, token: demo, json: #"{"os-roll_detaching":{}}"#).status == 202)
            #expect(try await api.call(.post, action, token: demo, json: #"{"os-detach":{}}"#).status == 202)
            #expect(try await api.call(.get, "\(base)/volumes/\(vol)", token: demo).json?["volume"]?["status"] == "available")
            let conn = try await api.call(.post, action, token: demo, json: #"{"os-initialize_connection":{"connector":{"host":"h"}}}"#)
            #expect(conn.status == 200 && conn.json?["connection_info"]?["data"]?["device_path"]?.string?.contains(vol) == true)
        }
    }
}

import CloudTestSupport
import ControlPlane
import Foundation
import HTTPTypes
import OpenStackHTTP
import Testing

/// The Cinder calls tempest's volume tests make besides the main ones: snapshot metadata and
/// actions, cascade delete, image metadata actions, `offset`, quota defaults, extensions.
@Suite("Block storage extras")
struct VolumeExtrasTests {
    static let waitVolume = VolumeAPITests.waitVolume

    static func waitSnapshot(_ api: APIClient, _ token: String, _ url: String, _ status: String) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let reply = try await api.call(.get, url, token: token)
            if status == "gone" ? reply.status == 404 : reply.json?["snapshot"]?["status"]?.string == status { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("snapshot \(url) did not become \(status)")
    }

    @Test func snapshotMetadataActionsAndCascadeDelete() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let adminBase = try await VolumeAPITests.volumeBase(api, admin)
            let made = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1}}"#)
            let id = try #require(made.json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(id)", "available")
            #expect(try await api.call(.post, "\(base)/snapshots", token: demo, json: #"{"snapshot":{"name":"x"}}"#).status == 404,
                    "no volume named: Cinder's 404")
            let snap = try await api.call(.post, "\(base)/snapshots", token: demo, json: #"{"snapshot":{"volume_id":"\#(id)","name":"s"}}"#)
            let created = try #require(snap.json?["snapshot"])
            #expect(created["os-extended-snapshot-attributes:progress"] == nil, "the create answer is the summary view")
            let sid = try #require(created["id"]?.string)
            try await Self.waitSnapshot(api, demo, "\(base)/snapshots/\(sid)", "available")
            let brief = try await api.call(.get, "\(base)/snapshots", token: demo).json?["snapshots"]?.array?.first
            #expect(brief?["description"] != nil && brief?["created_at"] != nil && brief?["os-extended-snapshot-attributes:progress"] == nil)

            // Metadata.
            #expect(try await api.call(.post, "\(base)/snapshots/\(sid)/metadata", token: demo, json: #"{"metadata":{"a":"1","b":"2"}}"#)
                .json?["metadata"] == .object([("a", "1"), ("b", "2")]))
            #expect(try await api.call(.put, "\(base)/snapshots/\(sid)/metadata/a", token: demo, json: #"{"meta":{"a":"9"}}"#).status == 200)
            #expect(try await api.call(.get, "\(base)/snapshots/\(sid)/metadata/a", token: demo).json?["meta"]?["a"] == "9")
            #expect(try await api.call(.delete, "\(base)/snapshots/\(sid)/metadata/b", token: demo).status == 200)
            #expect(try await api.call(.put, "\(base)/snapshots/\(sid)/metadata", token: demo, json: #"{"metadata":{"c":"3"}}"#)
                .json?["metadata"] == .object([("c", "3")]))

            // Actions: reset status (admins), Nova's status update with progress.
            let reset = #"{"os-reset_status":{"status":"creating"}}"#
            #expect(try await api.call(.post, "\(base)/snapshots/\(sid)/action", token: demo, json: reset).status == 403)
            #expect(try await api.call(.post, "\(adminBase)/snapshots/\(sid)/action", token: admin, json: reset).status == 202)
            #expect(try await api.call(.post, "\(base)/snapshots/\(sid)/action", token: demo,
                                       json: #"{"os-update_snapshot_status":{"status":"available","progress":"80%"}}"#).status == 202)
            let shown = try await api.call(.get, "\(base)/snapshots/\(sid)", token: demo).json?["snapshot"]
            #expect(shown?["status"] == "available" && shown?["os-extended-snapshot-attributes:progress"] == "80%")

            // Image metadata actions.
            let set = try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: #"{"os-set_image_metadata":{"metadata":{"k":"v"}}}"#)
            #expect(set.status == 200 && set.json?["metadata"]?["k"] == "v")
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: #"{"os-show_image_metadata":{}}"#)
                .json?["metadata"]?["k"] == "v")
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: #"{"os-unset_image_metadata":{"key":"k"}}"#).status == 200)
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: #"{"os-unset_image_metadata":{"key":"k"}}"#).status == 404)

            // Without cascade a volume with snapshots stays; with it both go.
            #expect(try await api.call(.delete, "\(base)/volumes/\(id)", token: demo).status == 400)
            #expect(try await api.call(.delete, "\(base)/volumes/\(id)?cascade=True", token: demo).status == 202)
            try await Self.waitSnapshot(api, demo, "\(base)/snapshots/\(sid)", "gone")
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(id)", "gone")
        }
    }

    @Test func listingsQuotaDefaultsAndExtensions() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let project = String(base.split(separator: "/").last!)
            for name in ["c", "a", "b"] {
                #expect(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1,"name":"\#(name)"}}"#).status == 202)
            }
            let sorted = try await api.call(.get, "\(base)/volumes?sort_key=display_name&sort_dir=asc&offset=1", token: demo).json?["volumes"]?.array
            #expect(sorted?.map { $0["name"] } == ["b", "c"], "display_name sorts by name; offset skips")
            #expect(try await api.call(.get, "\(base)/volumes/", token: demo).status == 404, "GET /volumes/ names no volume")
            let defaults = try await api.call(.get, "\(base)/os-quota-sets/\(project)/defaults", token: demo).json?["quota_set"]
            #expect(defaults?["volumes"] == 10 && defaults?["groups"] == 10 && defaults?["id"]?.string == project)
            let aliases = try await api.call(.get, "\(base)/extensions", token: demo).json?["extensions"]?.array?.compactMap { $0["alias"]?.string }
            #expect(aliases?.contains("backups") == true && aliases?.contains("os-hosts") == false)
        }
    }
}

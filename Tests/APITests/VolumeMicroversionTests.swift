import CloudTestSupport
import ControlPlane
import Foundation
import HTTPTypes
import OpenStackHTTP
import Testing
import VolumeAPI

/// Cinder's microversions 3.0 to 3.51 through the router: negotiation, and each served change
/// where a view or a call differs by version.
@Suite("Block storage microversions")
struct VolumeMicroversionTests {
    static func at(_ version: String) -> HTTPFields { [HTTPField.Name("OpenStack-API-Version")!: "volume \(version)"] }
    static let waitVolume = VolumeAPITests.waitVolume

    @Test func theTableEndsAt351AndEveryVersionIsListedOnce() {
        #expect(VolumeMicroversions.maximum == APIVersion(3, 51))
        let minors = VolumeMicroversions.history.map(\.0.minor)
        #expect(minors == Array(1...52), "3.1 to 3.52, in order")
    }

    @Test func versionsAreNegotiatedAsCinderDoes() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let doc = try await api.call(.get, "/volume/v3/", token: demo).json?["versions"]?.array?.first
            #expect(doc?["version"] == "3.51" && doc?["min_version"] == "3.0")
            for (asked, answered) in [("3.0", "volume 3.0"), ("3.27", "volume 3.27"), ("latest", "volume 3.51")] {
                let reply = try await api.call(.get, "\(base)/volumes", token: demo, headers: Self.at(asked))
                #expect(reply.status == 200 && reply.headers[HTTPField.Name("OpenStack-API-Version")!] == answered, "\(asked)")
            }
            #expect(try await api.call(.get, "\(base)/volumes", token: demo).headers[HTTPField.Name("OpenStack-API-Version")!] == "volume 3.0")
            for bad in ["3.52", "2.0", "4.0"] {
                #expect(try await api.call(.get, "\(base)/volumes", token: demo, headers: Self.at(bad)).status == 406, "\(bad)")
            }
            #expect(try await api.call(.get, "\(base)/volumes", token: demo, headers: Self.at("three")).status == 400)
        }
    }

    @Test func viewsAndListsChangeWithTheVersion() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let made = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1,"name":"alpha-disk","metadata":{"k":"v"}}}"#)
            let id = try #require(made.json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(id)", "available")
            let old = try await api.call(.get, "\(base)/volumes/\(id)", token: demo).json?["volume"]
            #expect(old?["group_id"] == nil && old?["shared_targets"] == nil && old?["service_uuid"] == nil)
            let new = try await api.call(.get, "\(base)/volumes/\(id)", token: demo, headers: Self.at("3.48")).json?["volume"]
            #expect(new?["group_id"] == .null && new?["shared_targets"] == false && new?["service_uuid"]?.string?.count == 36)
            #expect(new?["provider_id"] == nil, "provider_id is for admins")
            let adminBase = try await VolumeAPITests.volumeBase(api, admin)
            let seen = try await api.call(.get, "\(adminBase)/volumes/detail?all_tenants=1", token: admin, headers: Self.at("3.21")).json?["volumes"]?.array
            #expect(seen?.first { $0["id"]?.string == id }?["provider_id"] == .null)

            // Summary (3.12, metadata from 3.36), like filters (3.34), counts (3.45), groups (3.10).
            #expect(try await api.call(.get, "\(base)/volumes/summary", token: demo).status == 404)
            let summary = try await api.call(.get, "\(base)/volumes/summary", token: demo, headers: Self.at("3.36")).json?["volume-summary"]
            #expect(summary?["total_count"] == 1 && summary?["total_size"] == 1 && summary?["metadata"]?["k"] == ["v"])
            #expect(try await api.call(.get, "\(base)/volumes?name~=pha-d", token: demo, headers: Self.at("3.34")).json?["volumes"]?.array?.count == 1)
            #expect(try await api.call(.get, "\(base)/volumes?name~=nope", token: demo, headers: Self.at("3.34")).json?["volumes"]?.array?.count == 0)
            let counted = try await api.call(.get, "\(base)/volumes/detail?with_count=true", token: demo, headers: Self.at("3.45")).json
            #expect(counted?["count"] == 1)
            #expect(try await api.call(.get, "\(base)/volumes/detail?with_count=true", token: demo).json?["count"] == nil)
            #expect(try await api.call(.get, "\(base)/volumes?group_id=\(UUID().uuidString)", token: demo, headers: Self.at("3.10"))
                .json?["volumes"]?.array?.isEmpty == true)

            // Metadata ETag (3.15): a stale If-Match is 412.
            let meta = try await api.call(.get, "\(base)/volumes/\(id)/metadata", token: demo, headers: Self.at("3.15"))
            let etag = try #require(meta.headers[.eTag])
            var stale = Self.at("3.15")
            stale[.ifMatch] = "\"0\""
            #expect(try await api.call(.put, "\(base)/volumes/\(id)/metadata", token: demo, json: #"{"metadata":{"a":"b"}}"#, headers: stale).status == 412)
            var fresh = Self.at("3.15")
            fresh[.ifMatch] = etag
            #expect(try await api.call(.put, "\(base)/volumes/\(id)/metadata", token: demo, json: #"{"metadata":{"a":"b"}}"#, headers: fresh).status == 200)

            // Snapshots: user_id from 3.41, group_snapshot_id from 3.14, sorted by name from 3.30.
            for name in ["s-b", "s-a"] {
                let snap = try await api.call(.post, "\(base)/snapshots", token: demo, json: #"{"snapshot":{"volume_id":"\#(id)","name":"\#(name)"}}"#)
                #expect(snap.status == 202)
            }
            try await Task.sleep(for: .milliseconds(200))
            let snaps = try await api.call(.get, "\(base)/snapshots/detail?sort=name:asc", token: demo, headers: Self.at("3.41")).json?["snapshots"]?.array
            #expect(snaps?.map { $0["name"] } == ["s-a", "s-b"])
            #expect(snaps?.first?["user_id"]?.string?.isEmpty == false && snaps?.first?["group_snapshot_id"] == .null)
            #expect(try await api.call(.get, "\(base)/snapshots/detail?sort=name:asc", token: demo).status == 400, "name sort before 3.30")
        }
    }

    @Test func revertAndExtendFollowTheVersion() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let made = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1}}"#)
            let id = try #require(made.json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(id)", "available")
            var snapshots: [String] = []
            for _ in 0..<2 {
                let snap = try await api.call(.post, "\(base)/snapshots", token: demo, json: #"{"snapshot":{"volume_id":"\#(id)"}}"#)
                snapshots.append(try #require(snap.json?["snapshot"]?["id"]?.string))
                try await Task.sleep(for: .milliseconds(100))
            }
            let revert = #"{"revert":{"snapshot_id":"\#(snapshots[1])"}}"#
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: revert).status == 400, "revert before 3.40")
            let older = try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: #"{"revert":{"snapshot_id":"\#(snapshots[0])"}}"#,
                                           headers: Self.at("3.40"))
            #expect(older.status == 400 && older.text.contains("latest"))
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: revert, headers: Self.at("3.40")).status == 202)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(id)", "available")

            // Extend of an in-use volume: 400 before 3.42, the policy's 403 from it.
            let image = try await api.image(demo)
            let server = try await api.boot(demo, imageID: image)
            try await api.waitStatus(demo, server, "ACTIVE")
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(server)/os-volume_attachments", token: demo,
                                       json: #"{"volumeAttachment":{"volumeId":"\#(id)"}}"#).status == 200)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(id)", "in-use")
            let extend = #"{"os-extend":{"new_size":2}}"#
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: extend).status == 400)
            #expect(try await api.call(.post, "\(base)/volumes/\(id)/action", token: demo, json: extend, headers: Self.at("3.42")).status == 403)
            #expect(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1,"multiattach":true}}"#,
                                       headers: Self.at("3.50")).status == 400)
        }
    }
}

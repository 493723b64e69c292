import HTTPTypes
import NIOCore
import OpenStackHTTP
import CloudTestSupport
import Testing

@Suite("Image API")
struct ImageAPITests {
    @Test func createUploadDownloadPatchDelete() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            #expect(try await api.call(.get, "/image").status == 300)
            let created = try await api.call(.post, "/image/v2/images", token: demo, json: """
                {"name":"cirros","disk_format":"qcow2","container_format":"bare","owner_specified.openstack.md5":"","tags":["t1"]}
                """)
            #expect(created.status == 201)
            #expect(created.json?["status"] == "queued")
            #expect(created.json?["owner_specified.openstack.md5"] == "")
            let id = created.json?["id"]?.string ?? ""
            #expect(try await api.call(.get, "/image/v2/images/\(id)/file", token: demo).status == 204)
            let bytes: [UInt8] = Array("hello image".utf8)
            #expect(try await api.call(.put, "/image/v2/images/\(id)/file", token: demo, bytes: bytes).status == 204)
            let shown = try await api.call(.get, "/image/v2/images/\(id)", token: demo).json
            #expect(shown?["status"] == "active")
            #expect(shown?["size"] == .int(bytes.count))
            #expect(shown?["checksum"] == "1a8170f6b425d667b1aba297dbe4ff88")  // MD5 of "hello image"
            #expect(shown?["os_hash_algo"] == "sha512")
            #expect(shown?["os_hash_value"]?.string?.count == 128)
            let download = try await api.call(.get, "/image/v2/images/\(id)/file", token: demo)
            #expect(download.status == 200)
            #expect(Array(download.body.readableBytesView) == bytes)
            #expect(try await api.call(.put, "/image/v2/images/\(id)/file", token: demo, bytes: bytes).status == 409)
            let patched = try await api.call(.patch, "/image/v2/images/\(id)", token: demo,
                                             json: #"[{"op":"replace","path":"/name","value":"renamed"},{"op":"add","path":"/os_distro","value":"cirros"}]"#)
            #expect(patched.status == 200)
            #expect(patched.json?["name"] == "renamed" && patched.json?["os_distro"] == "cirros")
            let legacy = try await api.call(.patch, "/image/v2/images/\(id)", token: demo, json: #"[{"replace":"/name","value":"again"}]"#)
            #expect(legacy.json?["name"] == "again")
            #expect(try await api.call(.patch, "/image/v2/images/\(id)", token: demo, json: #"[{"op":"replace","path":"/status","value":"x"}]"#).status == 403)
            let list = try await api.call(.get, "/image/v2/images?name=again", token: demo).json
            #expect(list?["images"]?.array?.count == 1)
            #expect(try await api.call(.get, "/image/v2/images?id=in:\(id)", token: demo).json?["images"]?.array?.count == 1)
            #expect(try await api.call(.get, "/image/v2/images/again", token: demo).status == 404)
            let other = try await api.token("other", "otherpw", project: "other")
            #expect(try await api.call(.get, "/image/v2/images/\(id)", token: other).status == 404)
            #expect(try await api.call(.delete, "/image/v2/images/\(id)", token: demo).status == 204)
            #expect(try await api.call(.get, "/image/v2/images/\(id)", token: demo).status == 404)
        }
    }

    @Test func badImageRequests() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            #expect(try await api.call(.post, "/image/v2/images", token: demo, json: #"{"name":"x","disk_format":"floppy"}"#).status == 400)
            #expect(try await api.call(.post, "/image/v2/images", token: demo, json: #"{"name":"x","status":"active"}"#).status == 403)
            #expect(try await api.call(.post, "/image/v2/images", token: demo, json: #"{"name":"x","visibility":"public"}"#).status == 403)
            #expect(try await api.call(.post, "/image/v2/images", token: demo, json: #"{"name":"x","min_ram":"lots"}"#).status == 400)
            #expect(try await api.call(.post, "/image/v2/images", token: demo, json: #"{"name":"x","prop":5}"#).status == 400)
            let queued = try await api.call(.post, "/image/v2/images", token: demo, json: #"{"name":"noformat"}"#).json?["id"]?.string ?? ""
            #expect(try await api.call(.put, "/image/v2/images/\(queued)/file", token: demo, bytes: [1]).status == 400)
        }
    }
}

import CloudTestSupport
import Foundation
import HTTPTypes
import OpenStackHTTP
import Testing

/// Compute microversions: negotiation, and each served version's changes (the 2.1 formats unchanged).
@Suite("Compute microversions")
struct MicroversionTests {
    static let header = HTTPField.Name("OpenStack-API-Version")!
    static let legacy = HTTPField.Name("X-OpenStack-Nova-API-Version")!

    static func at(_ version: String) -> HTTPFields { [header: "compute \(version)"] }

    /// A self-signed EC certificate (SHA-1 fingerprint below, from openssl).
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBezCCASGgAwIBAgIUJHddNKm7DSZoam2JlxIcFSKmvqgwCgYIKoZIzj0EAwIw
        EzERMA8GA1UEAwwIbHVjLXRlc3QwHhcNMjYxMjAxMTA1MzE1WhcNMzYxMTI4MTA1
        MzE1WjATMREwDwYDVQQDDAhsdWMtdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEH
        A0IABEuz9VNqys4Ux7qVzrnIQ3SwM8EVsN+zNqMY1QklcrDmYtC3VhY48V+LtjjT
        oLMjeE5MuwWkCDOTbyGT5nb3McGjUzBRMB0GA1UdDgQWBBQ2NQq8Bmiht7AgdUcI
        tq3fk2IY7DAfBgNVHSMEGDAWgBQ2NQq8Bmiht7AgdUcItq3fk2IY7DAPBgNVHRMB
        Af8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCKiyc/DX25yPRceqzmZzoMtrKE
        0h2mObliuCJ7jZ19JgIga/TfcsgR9biqoPsbdhinnHLCf137q3GXBN/3PyudNdQ=
        -----END CERTIFICATE-----
        """
    static let certificateFingerprint = "57:ab:4d:03:0c:24:de:d5:b4:e4:8f:19:e2:bb:d0:a6:1b:41:16:a7"

    @Test func negotiation() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let doc = try await api.call(.get, "/compute/v2.1").json?["version"]
            let maximum = try #require(doc?["version"]?.string)
            #expect(doc?["min_version"] == "2.1")
            #expect(APIVersion(parsing: maximum).map { $0 > APIVersion(2, 1) } == true, "advertises more than 2.1: \(maximum)")
            let plain = try await api.call(.get, "/compute/v2.1/flavors", token: demo)
            #expect(plain.headers[Self.header] == "compute 2.1" && plain.headers[.vary]?.contains("OpenStack-API-Version") == true)
            let latest = try await api.call(.get, "/compute/v2.1/flavors", token: demo, headers: Self.at("latest"))
            #expect(latest.headers[Self.header] == "compute \(maximum)")
            let old = try await api.call(.get, "/compute/v2.1/flavors", token: demo, headers: [Self.legacy: "2.2"])
            #expect(old.headers[Self.legacy] == "2.2")
            let beyond = try await api.call(.get, "/compute/v2.1/flavors", token: demo, headers: Self.at("2.101"))
            #expect(beyond.status == 406)
            #expect(try await api.call(.get, "/compute/v2.1/flavors", token: demo, headers: Self.at("2.x")).status == 400)
            #expect(try await api.call(.get, "/compute/v2.1/flavors", token: demo, headers: Self.at("1.9")).status == 406)
        }
    }

    @Test func keypairsGainTheirTypeAnd201At2_2() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let v21 = try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo, json: #"{"keypair":{"name":"k1"}}"#)
            #expect(v21.status == 200 && v21.json?["keypair"]?["type"] == nil && v21.json?["keypair"]?["private_key"] != nil)
            let typed21 = try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo, json: #"{"keypair":{"name":"k2","type":"ssh"}}"#)
            #expect(typed21.status == 400, "type is not a 2.1 property")
            let v22 = try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo, json: #"{"keypair":{"name":"k2","type":"ssh"}}"#,
                                         headers: Self.at("2.2"))
            #expect(v22.status == 201 && v22.json?["keypair"]?["type"] == "ssh")
            let cert = try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo, json: """
                {"keypair":{"name":"c1","type":"x509","public_key":\(String(decoding: JSON.string(Self.certificate).serialized(), as: UTF8.self))}}
                """, headers: Self.at("2.2"))
            #expect(cert.status == 201 && cert.json?["keypair"]?["fingerprint"]?.string == Self.certificateFingerprint, "\(cert.text)")
            let generatedCert = try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo,
                                                   json: #"{"keypair":{"name":"c2","type":"x509"}}"#, headers: Self.at("2.2"))
            #expect(generatedCert.status == 400)
            let list = try await api.call(.get, "/compute/v2.1/os-keypairs", token: demo, headers: Self.at("2.2"))
            #expect(list.json?["keypairs"]?.array?.compactMap { $0["keypair"]?["type"]?.string }.sorted() == ["ssh", "ssh", "x509"])
            #expect(try await api.call(.get, "/compute/v2.1/os-keypairs/c1", token: demo).json?["keypair"]?["type"] == nil)
            #expect(try await api.call(.delete, "/compute/v2.1/os-keypairs/k1", token: demo).status == 202)
            #expect(try await api.call(.delete, "/compute/v2.1/os-keypairs/k2", token: demo, headers: Self.at("2.2")).status == 204)
        }
    }

    @Test func adminsManageOtherUsersKeypairsFrom2_10() async throws {
        let cloud = try await TestCloud.make(register: false)
        try await cloud.withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let demo = try await api.token("demo", "demopw", project: "demo")
            let demoID = try #require(try await api.call(.get, "/identity/v3/auth/tokens", token: admin,
                                                         headers: [HTTPField.Name("X-Subject-Token")!: demo]).json?["token"]?["user"]?["id"]?.string)
            let made = try await api.call(.post, "/compute/v2.1/os-keypairs", token: admin,
                                          json: #"{"keypair":{"name":"forDemo","user_id":"\#(demoID)"}}"#, headers: Self.at("2.10"))
            #expect(made.status == 201 && made.json?["keypair"]?["user_id"]?.string == demoID)
            #expect(try await api.call(.get, "/compute/v2.1/os-keypairs/forDemo", token: demo).status == 200)
            #expect(try await api.call(.get, "/compute/v2.1/os-keypairs?user_id=\(demoID)", token: admin, headers: Self.at("2.10"))
                .json?["keypairs"]?.array?.count == 1)
            let refused = try await api.call(.post, "/compute/v2.1/os-keypairs", token: demo,
                                             json: #"{"keypair":{"name":"x","user_id":"someone"}}"#, headers: Self.at("2.10"))
            #expect(refused.status == 403)
            #expect(try await api.call(.post, "/compute/v2.1/os-keypairs", token: admin,
                                       json: #"{"keypair":{"name":"y","user_id":"\#(demoID)"}}"#, headers: Self.at("2.9")).status == 400)
            #expect(try await api.call(.delete, "/compute/v2.1/os-keypairs/forDemo?user_id=\(demoID)", token: admin,
                                       headers: Self.at("2.10")).status == 204)
        }
    }

    @Test func extendedAttributesLockedAndRemoteConsoles() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let demo = try await api.token("demo", "demopw", project: "demo")
            let id = try await api.boot(demo, name: "Web_1", imageID: try await api.image(demo),
                                        extra: #","user_data":"aGVsbG8=""#)
            try await api.waitStatus(demo, id, "ACTIVE")
            let v21 = try await api.call(.get, "/compute/v2.1/servers/\(id)", token: admin).json?["server"]
            #expect(v21?["OS-EXT-SRV-ATTR:reservation_id"] == nil && v21?["locked"] == nil)
            let v23 = try await api.call(.get, "/compute/v2.1/servers/\(id)", token: admin, headers: Self.at("2.3")).json?["server"]
            #expect(v23?["OS-EXT-SRV-ATTR:reservation_id"]?.string?.hasPrefix("r-") == true)
            #expect(v23?["OS-EXT-SRV-ATTR:launch_index"] == 0 && v23?["OS-EXT-SRV-ATTR:hostname"] == "web-1")
            #expect(v23?["OS-EXT-SRV-ATTR:user_data"] == "aGVsbG8=" && v23?["OS-EXT-SRV-ATTR:root_device_name"] == "/dev/vda")
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)", token: demo, headers: Self.at("2.3"))
                .json?["server"]?["OS-EXT-SRV-ATTR:reservation_id"] == nil, "admins only")

            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: #"{"lock":null}"#).status == 202)
            let locked = try await api.call(.get, "/compute/v2.1/servers/\(id)", token: demo, headers: Self.at("2.9")).json?["server"]
            #expect(locked?["locked"] == true)
            let stop = try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: #"{"os-stop":null}"#)
            #expect(stop.status == 409 && stop.json?["conflictingRequest"]?["message"]?.string?.contains("locked") == true)
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(id)", token: demo).status == 409)
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: admin, json: #"{"os-stop":null}"#).status == 202)
            try await api.waitStatus(demo, id, "SHUTOFF")
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: #"{"unlock":null}"#).status == 202)
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)", token: demo, headers: Self.at("2.9"))
                .json?["server"]?["locked"] == false)
            let actions = try await api.call(.get, "/compute/v2.1/servers/\(id)/os-instance-actions", token: demo)
            #expect(actions.json?["instanceActions"]?.array?.compactMap { $0["action"]?.string }.contains("lock") == true)

            let console = #"{"remote_console":{"protocol":"vnc","type":"novnc"}}"#
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/remote-consoles", token: demo, json: console).status == 404)
            let unavailable = try await api.call(.post, "/compute/v2.1/servers/\(id)/remote-consoles", token: demo, json: console,
                                                 headers: Self.at("2.6"))
            #expect(unavailable.status == 400 && unavailable.text.contains("Unavailable console type novnc"))
            let mks = #"{"remote_console":{"protocol":"mks","type":"webmks"}}"#
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/remote-consoles", token: demo, json: mks,
                                       headers: Self.at("2.6")).text.contains("protocol"))
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/remote-consoles", token: demo, json: mks,
                                       headers: Self.at("2.8")).text.contains("Unavailable console type webmks"))

            let ipFiltered = try await api.call(.get, "/compute/v2.1/servers?ip6=::1", token: demo, headers: Self.at("2.5"))
            #expect(ipFiltered.json?["servers"]?.array?.isEmpty == true, "no server has an IPv6 address")
            #expect(try await api.call(.get, "/compute/v2.1/servers?ip6=::1", token: demo).json?["servers"]?.array?.count == 1,
                    "ip6 is ignored for non-admins below 2.5")
        }
    }

    @Test func hostStatusForAdminsFrom2_16() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let demo = try await api.token("demo", "demopw", project: "demo")
            let id = try await api.boot(demo, imageID: try await api.image(demo))
            try await api.waitStatus(demo, id, "ACTIVE")
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)", token: admin, headers: Self.at("2.15"))
                .json?["server"]?["host_status"] == nil)
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)", token: admin, headers: Self.at("2.16"))
                .json?["server"]?["host_status"] == "UP")
            let listed = try await api.call(.get, "/compute/v2.1/servers/detail?all_tenants=1", token: admin, headers: Self.at("2.16"))
            #expect(listed.json?["servers"]?.array?.first?["host_status"] == "UP")
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)", token: demo, headers: Self.at("2.16"))
                .json?["server"]?["host_status"] == nil, "admins only")
        }
    }

    @Test func crashDumpFrom2_17() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let id = try await api.boot(demo, imageID: try await api.image(demo))
            try await api.waitStatus(demo, id, "ACTIVE")
            let body = #"{"trigger_crash_dump":null}"#
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: body).status == 400)
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: body,
                                       headers: Self.at("2.17")).status == 202)
            let console = try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo,
                                             json: #"{"os-getConsoleOutput":{"length":1}}"#)
            #expect(console.json?["output"]?.string?.contains("NMI") == true, "the guest got the NMI")
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: #"{"os-stop":null}"#).status == 202)
            try await api.waitStatus(demo, id, "SHUTOFF")
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: body,
                                       headers: Self.at("2.17")).status == 409)
        }
    }

    @Test func descriptionFrom2_19() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            let body = #"{"server":{"name":"d","imageRef":"\#(image)","flavorRef":"42","description":"web tier"}}"#
            #expect(try await api.call(.post, "/compute/v2.1/servers", token: demo, json: body).status == 400, "not a 2.1 property")
            let created = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: body, headers: Self.at("2.19"))
            let id = try #require(created.json?["server"]?["id"]?.string)
            try await api.waitStatus(demo, id, "ACTIVE")
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)", token: demo, headers: Self.at("2.19"))
                .json?["server"]?["description"] == "web tier")
            #expect(try await api.call(.get, "/compute/v2.1/servers/\(id)", token: demo).json?["server"]?["description"] == nil)
            let cleared = try await api.call(.put, "/compute/v2.1/servers/\(id)", token: demo, json: #"{"server":{"description":null}}"#,
                                             headers: Self.at("2.19"))
            #expect(cleared.status == 200 && cleared.json?["server"]?["description"] == .null)
            let long = String(repeating: "x", count: 256)
            #expect(try await api.call(.put, "/compute/v2.1/servers/\(id)", token: demo, json: #"{"server":{"description":"\#(long)"}}"#,
                                       headers: Self.at("2.19")).status == 400)
        }
    }

    @Test func actionsOfDeletedServersFrom2_21() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let other = try await api.token("other", "otherpw", project: "other")
            let id = try await api.boot(demo, imageID: try await api.image(demo))
            try await api.waitStatus(demo, id, "ACTIVE")
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(id)", token: demo).status == 204)
            try await api.waitServer(demo, id) { $0 == nil }
            let path = "/compute/v2.1/servers/\(id)/os-instance-actions"
            #expect(try await api.call(.get, path, token: demo, headers: Self.at("2.20")).status == 404)
            let listed = try await api.call(.get, path, token: demo, headers: Self.at("2.21"))
            #expect(listed.status == 200)
            #expect(listed.json?["instanceActions"]?.array?.compactMap { $0["action"]?.string }.sorted() == ["create", "delete"])
            #expect(try await api.call(.get, path, token: other, headers: Self.at("2.21")).status == 404, "another project's")
        }
    }
}

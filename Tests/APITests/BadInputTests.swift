import CloudModel
import HTTPTypes
import OpenStackHTTP
import StateStore
import CloudTestSupport
import Testing

/// Bad input gets the service's error body with the right 4xx, never a 500, and writes nothing.
@Suite("Bad input")
struct BadInputTests {
    @Test func missingOrGarbageTokenIs401() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let none = try await api.call(.get, "/compute/v2.1/servers")
            #expect(none.status == 401)
            #expect(none.json?["unauthorized"]?["code"] == 401)
            #expect(try await api.call(.get, "/compute/v2.1/servers", token: "luc1garbage").status == 401)
            #expect(try await api.call(.get, "/image/v2/images", token: "x").status == 401)
        }
    }

    @Test func badServerCreateBodies() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            let cases: [(String, Int)] = [
                ("{not json", 400),
                ("[]", 400),
                (#"{"server":"x"}"#, 400),
                (#"{"server":{"imageRef":"\#(image)","flavorRef":"42"}}"#, 400),
                (#"{"server":{"name":7,"imageRef":"\#(image)","flavorRef":"42"}}"#, 400),
                (#"{"server":{"name":"x","imageRef":"\#(image)","flavorRef":"nope"}}"#, 400),
                (#"{"server":{"name":"x","imageRef":"00000000-0000-0000-0000-000000000000","flavorRef":"42"}}"#, 400),
                (#"{"server":{"name":"x","imageRef":"not-a-uuid","flavorRef":"42"}}"#, 400),
                (#"{"server":{"name":"x","imageRef":"\#(image)","flavorRef":"42","availability_zone":"mars"}}"#, 400),
                (#"{"server":{"name":"x","imageRef":"\#(image)","flavorRef":"42","key_name":"missing"}}"#, 400),
                (#"{"server":{"name":"x","imageRef":"\#(image)","flavorRef":"42","metadata":{"a":1}}}"#, 400),
                (#"{"server":{"name":"x","imageRef":"\#(image)","flavorRef":"42","min_count":0}}"#, 400),
                (#"{"server":{"name":"x","imageRef":"\#(image)","flavorRef":"42","bogus":true}}"#, 400),
                (#"{"server":{"name":" x","imageRef":"\#(image)","flavorRef":"42"}}"#, 400),
                (#"{"server":{"name":"x","imageRef":"\#(image)","flavorRef":"42","user_data":"%%%"}}"#, 400),
                (#"{"server":{"name":"x","imageRef":"\#(image)","flavorRef":"42","networks":[{"uuid":"abc"}]}}"#, 400),
            ]
            for (body, status) in cases {
                let reply = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: body)
                #expect(reply.status == status, "\(body) → \(reply.status) \(reply.text)")
                #expect(reply.json?["badRequest"]?["message"]?.string?.isEmpty == false, "\(body) → \(reply.text)")
            }
            for site in TestCloud.sites {
                #expect(try await cloud.store.servers(site.id).listAll(after: nil, limit: 10).isEmpty, "a refused boot wrote a server in \(site.id)")
            }
            let usage = try await api.call(.get, "/compute/v2.1/limits", token: demo).json?["limits"]?["absolute"]
            #expect(usage?["totalInstancesUsed"] == 0)
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let huge = "{\"server\":{\"name\":\"" + String(repeating: "x", count: 2 << 20) + "\"}}"
            let reply = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: huge)
            #expect(reply.status == 413)
        }
    }

    @Test func quotaIsEnforcedAcrossSites() async throws {
        try await TestCloud.make(TestCloud.Options(vcpus: 64, ramMB: 1 << 20)).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            _ = try await api.boot(demo, name: "a", imageID: image, flavor: "2", zone: "alpha")
            let reply = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"many","imageRef":"\(image)","flavorRef":"2","availability_zone":"beta","min_count":10,"max_count":10}}
                """)
            #expect(reply.status == 403)
            #expect(reply.json?["forbidden"]?["message"]?.string?.contains("Quota exceeded for instances") == true)
            let some = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"some","imageRef":"\(image)","flavorRef":"2","availability_zone":"beta","min_count":1,"max_count":20}}
                """)
            #expect(some.status == 202)
            let limits = try await api.call(.get, "/compute/v2.1/limits", token: demo).json?["limits"]?["absolute"]
            #expect(limits?["totalInstancesUsed"] == 10)
            #expect(limits?["maxTotalInstances"] == 10)
        }
    }

    @Test func unknownRoutesAndMicroversions() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            #expect(try await api.call(.get, "/compute/v2.1/nothing-here", token: demo).status == 404)
            let tooNew = try await api.call(.get, "/compute/v2.1/servers", token: demo,
                                            headers: [HTTPField.Name("OpenStack-API-Version")!: "compute 2.101"])
            #expect(tooNew.status == 406)
            let ok = try await api.call(.get, "/compute/v2.1/servers", token: demo,
                                        headers: [HTTPField.Name("OpenStack-API-Version")!: "compute 2.1"])
            #expect(ok.headers[HTTPField.Name("OpenStack-API-Version")!] == "compute 2.1")
            #expect(try await api.call(.post, "/compute/v2.1/servers/\(demo.prefix(8))/action", token: demo, json: #"{"explode":null}"#).status == 400)
            let reader = try await api.token("viewer", "viewerpw", project: "demo")
            #expect(try await api.call(.post, "/compute/v2.1/servers", token: reader, json: #"{"server":{"name":"x","imageRef":"x","flavorRef":"1"}}"#).status == 403)
        }
    }

    @Test func readerCannotBoot() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let image = try await api.image(demo)
            let reader = try await api.token("viewer", "viewerpw", project: "demo")
            let reply = try await api.call(.post, "/compute/v2.1/servers", token: reader, json: """
                {"server":{"name":"x","imageRef":"\(image)","flavorRef":"42"}}
                """)
            #expect(reply.status == 403)
            #expect(try await api.call(.get, "/compute/v2.1/servers", token: reader).status == 200)
        }
    }
}

import HTTPTypes
import OpenStackHTTP
import CloudTestSupport
import Testing

@Suite("Identity API")
struct IdentityAPITests {
    @Test func versionDocuments() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let root = try await api.call(.get, "/identity")
            #expect(root.status == 300)
            #expect(root.json?["versions"]?["values"]?.array?.first?["id"] == "v3.14")
            let v3 = try await api.call(.get, "/identity/v3")
            #expect(v3.status == 200)
            #expect(v3.json?["version"]?["status"] == "stable")
            #expect(v3.headers[HTTPField.Name("X-OpenStack-Request-Id")!]?.hasPrefix("req-") == true)
        }
    }

    @Test func projectScopedTokenCarriesCatalogAndRoles() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let reply = try await api.call(.post, "/identity/v3/auth/tokens", json: """
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo","domain":{"name":"Default"},"password":"demopw"}}},
                 "scope":{"project":{"name":"demo","domain":{"name":"Default"}}}}}
                """)
            #expect(reply.status == 201)
            #expect(reply.headers[HTTPField.Name("X-Subject-Token")!] != nil)
            let token = reply.json?["token"]
            #expect(token?["project"]?["name"] == "demo")
            #expect(Set(token?["roles"]?.array?.compactMap { $0["name"]?.string } ?? []) == ["member", "reader"])
            let catalog = token?["catalog"]?.array ?? []
            #expect(Set(catalog.compactMap { $0["type"]?.string }) == ["identity", "compute", "image", "network", "block-storage", "volumev3"])
            let projectID = try #require(token?["project"]?["id"]?.string)
            let volume = catalog.first { $0["type"] == "block-storage" }?["endpoints"]?.array?.first?["url"]?.string
            #expect(volume == "http://cloud.test/volume/v3/\(projectID)", "the block-storage URL names the token's project")
            for service in catalog {
                let endpoints = service["endpoints"]?.array ?? []
                #expect(Set(endpoints.compactMap { $0["interface"]?.string }) == ["public", "internal", "admin"])
                #expect(endpoints.allSatisfy { $0["region"] == "RegionOne" && $0["region_id"] == "RegionOne" })
            }
            let expires = token?["expires_at"]?.string ?? ""
            #expect(expires.hasSuffix("Z") && expires.count == 27)
        }
    }

    @Test func unscopedTokenHasNoCatalogProjectOrRoles() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let reply = try await api.call(.post, "/identity/v3/auth/tokens", json: """
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo","domain":{"id":"default"},"password":"demopw"}}},"scope":"unscoped"}}
                """)
            #expect(reply.status == 201)
            let token = reply.json?["token"]
            #expect(token?["catalog"] == nil && token?["project"] == nil && token?["roles"] == nil)
        }
    }

    @Test func wrongPasswordAndForeignProjectAre401() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let bad = try await api.call(.post, "/identity/v3/auth/tokens", json: """
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo","domain":{"name":"Default"},"password":"nope"}}}}}
                """)
            #expect(bad.status == 401)
            #expect(bad.json?["error"]?["code"] == 401)
            let foreign = try await api.call(.post, "/identity/v3/auth/tokens", json: """
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo","domain":{"name":"Default"},"password":"demopw"}}},
                 "scope":{"project":{"name":"other","domain":{"name":"Default"}}}}}
                """)
            #expect(foreign.status == 401)
        }
    }

    @Test func validateRescopeAndRevoke() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let demo = try await api.token("demo", "demopw", project: "demo")
            let subject: HTTPFields = [HTTPField.Name("X-Subject-Token")!: demo]
            let shown = try await api.call(.get, "/identity/v3/auth/tokens", token: admin, headers: subject)
            #expect(shown.status == 200)
            #expect(try await api.call(.head, "/identity/v3/auth/tokens", token: admin, headers: subject).status == 200)
            let rescoped = try await api.call(.post, "/identity/v3/auth/tokens", json: """
                {"auth":{"identity":{"methods":["token"],"token":{"id":"\(demo)"}},"scope":{"project":{"name":"demo","domain":{"name":"Default"}}}}}
                """)
            #expect(rescoped.status == 201)
            #expect(rescoped.json?["token"]?["methods"] == ["password", "token"])
            #expect(rescoped.json?["token"]?["expires_at"] == shown.json?["token"]?["expires_at"])
            #expect(try await api.call(.delete, "/identity/v3/auth/tokens", token: admin, headers: subject).status == 204)
            #expect(try await api.call(.get, "/identity/v3/auth/tokens", token: admin, headers: subject).status == 404)
            #expect(try await api.call(.get, "/compute/v2.1/flavors", token: demo).status == 401)
        }
    }

    @Test func adminManagesProjectsUsersAndRoles() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let project = try await api.call(.post, "/identity/v3/projects", token: admin, json: #"{"project":{"name":"p1","domain_id":"default"}}"#)
            #expect(project.status == 201)
            let projectID = project.json?["project"]?["id"]?.string ?? ""
            #expect(try await api.call(.post, "/identity/v3/projects", token: admin, json: #"{"project":{"name":"p1"}}"#).status == 409)
            let user = try await api.call(.post, "/identity/v3/users", token: admin, json: #"{"user":{"name":"u1","password":"pw1"}}"#)
            #expect(user.status == 201)
            let userID = user.json?["user"]?["id"]?.string ?? ""
            let roles = try await api.call(.get, "/identity/v3/roles?name=member", token: admin)
            let roleID = roles.json?["roles"]?.array?.first?["id"]?.string ?? ""
            #expect(try await api.call(.put, "/identity/v3/projects/\(projectID)/users/\(userID)/roles/\(roleID)", token: admin).status == 204)
            #expect(try await api.call(.head, "/identity/v3/projects/\(projectID)/users/\(userID)/roles/\(roleID)", token: admin).status == 204)
            let token = try await api.token("u1", "pw1", project: "p1")
            #expect(try await api.call(.get, "/compute/v2.1/servers", token: token).status == 200)
            #expect(try await api.call(.get, "/identity/v3/projects", token: token).status == 403)
            #expect(try await api.call(.get, "/identity/v3/domains?name=Default", token: admin).json?["domains"]?.array?.count == 1)
            #expect(try await api.call(.delete, "/identity/v3/users/\(userID)", token: admin).status == 204)
            #expect(try await api.call(.delete, "/identity/v3/projects/\(projectID)", token: admin).status == 204)
        }
    }

    @Test func servicesEndpointsAndRegionsMatchTheCatalog() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let catalog = try await api.call(.get, "/identity/v3/auth/catalog", token: admin).json?["catalog"]?.array ?? []
            let services = try await api.call(.get, "/identity/v3/services", token: admin).json?["services"]?.array ?? []
            #expect(Set(services.compactMap { $0["id"]?.string }) == Set(catalog.compactMap { $0["id"]?.string }))
            let compute = try await api.call(.get, "/identity/v3/services?type=compute", token: admin).json?["services"]?.array
            let computeID = try #require(compute?.first?["id"]?.string)
            #expect(compute?.count == 1 && compute?.first?["name"] == "nova")
            let endpoints = try await api.call(.get, "/identity/v3/endpoints?service_id=\(computeID)&interface=public", token: admin)
                .json?["endpoints"]?.array
            let catalogURL = catalog.first { $0["type"] == "compute" }?["endpoints"]?.array?.first { $0["interface"] == "public" }?["url"]
            #expect(endpoints?.count == 1 && endpoints?.first?["url"] == catalogURL)
            let regions = try await api.call(.get, "/identity/v3/regions", token: admin).json?["regions"]?.array
            #expect(regions?.count == 1 && regions?.first?["id"] == catalog.first?["endpoints"]?.array?.first?["region_id"])
            #expect(try await api.call(.get, "/identity/v3/services/\(computeID)", token: admin).status == 200)
            #expect(try await api.call(.get, "/identity/v3/services/nope", token: admin).status == 404)
            #expect(try await api.call(.get, "/identity/v3/services").status == 401)
        }
    }
}

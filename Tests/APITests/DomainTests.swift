import CloudTestSupport
import Foundation
import HTTPTypes
import OpenStackHTTP
import Testing

/// Keystone domains: CRUD, projects and users in a domain, domain- and system-scoped tokens,
/// roles on a domain.
@Suite("Identity domains and token scopes")
struct DomainTests {
    static let subject = HTTPField.Name("X-Subject-Token")!

    func scoped(_ api: APIClient, _ user: String, _ password: String, domain: String = "Default", scope: String) async throws -> APIClient.Reply {
        try await api.call(.post, "/identity/v3/auth/tokens", json: """
            {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"\(user)","domain":{"name":"\(domain)"},"password":"\(password)"}}},
             "scope":\(scope)}}
            """)
    }

    @Test func domainAndSystemScopedTokens() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let byDomain = try await scoped(api, "admin", "adminpw", scope: #"{"domain":{"id":"default"}}"#)
            #expect(byDomain.status == 201)
            let token = byDomain.json?["token"]
            #expect(token?["domain"]?["name"] == "Default" && token?["project"] == nil)
            #expect(token?["roles"]?.array?.compactMap { $0["name"]?.string }.contains("admin") == true && token?["catalog"] != nil)
            let domainToken = try #require(byDomain.headers[Self.subject])
            #expect(try await api.call(.get, "/identity/v3/users", token: domainToken).status == 200, "admin on the domain")
            #expect(try await api.call(.get, "/compute/v2.1/servers", token: domainToken).status == 401, "compute needs a project")
            let bySystem = try await scoped(api, "admin", "adminpw", scope: #"{"system":{"all":true}}"#)
            #expect(bySystem.status == 201 && bySystem.json?["token"]?["system"]?["all"] == true)
            let check = try await api.call(.get, "/identity/v3/auth/tokens", token: domainToken,
                                           headers: [Self.subject: try #require(bySystem.headers[Self.subject])])
            #expect(check.status == 200 && check.json?["token"]?["system"]?["all"] == true)
            #expect(try await scoped(api, "demo", "demopw", scope: #"{"domain":{"name":"Default"}}"#).status == 401, "no role on the domain")
            #expect(try await scoped(api, "demo", "demopw", scope: #"{"system":{"all":true}}"#).status == 401)
        }
    }

    @Test func domainLifecycle() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let demo = try await api.token("demo", "demopw", project: "demo")
            #expect(try await api.call(.post, "/identity/v3/domains", token: demo, json: #"{"domain":{"name":"d1"}}"#).status == 403)
            let created = try await api.call(.post, "/identity/v3/domains", token: admin, json: #"{"domain":{"name":"d1","description":"one"}}"#)
            #expect(created.status == 201 && created.json?["domain"]?["enabled"] == true)
            let id = try #require(created.json?["domain"]?["id"]?.string)
            #expect(try await api.call(.post, "/identity/v3/domains", token: admin, json: #"{"domain":{"name":"d1"}}"#).status == 409)
            #expect(try await api.call(.get, "/identity/v3/domains?name=d1", token: demo).json?["domains"]?.array?.count == 1)
            #expect(try await api.call(.get, "/identity/v3/domains", token: demo).json?["domains"]?.array?.count == 2)
            // A project and a user in the domain; the user logs in by name in it and gets a token there.
            let project = try await api.call(.post, "/identity/v3/projects", token: admin, json: #"{"project":{"name":"p1","domain_id":"\#(id)"}}"#)
            let projectID = try #require(project.json?["project"]?["id"]?.string)
            #expect(project.json?["project"]?["domain_id"] == .string(id))
            #expect(try await api.call(.post, "/identity/v3/projects", token: admin, json: #"{"project":{"name":"p2","domain_id":"nope"}}"#).status == 400)
            let user = try await api.call(.post, "/identity/v3/users", token: admin, json: #"{"user":{"name":"u1","password":"pw1","domain_id":"\#(id)"}}"#)
            let userID = try #require(user.json?["user"]?["id"]?.string)
            let member = try #require(try await api.call(.get, "/identity/v3/roles?name=member", token: admin).json?["roles"]?.array?.first?["id"]?.string)
            #expect(try await api.call(.put, "/identity/v3/projects/\(projectID)/users/\(userID)/roles/\(member)", token: admin).status == 204)
            #expect(try await api.call(.put, "/identity/v3/domains/\(id)/users/\(userID)/roles/\(member)", token: admin).status == 204)
            #expect(try await api.call(.head, "/identity/v3/domains/\(id)/users/\(userID)/roles/\(member)", token: admin).status == 204)
            let assignments = try await api.call(.get, "/identity/v3/role_assignments?scope.domain.id=\(id)&include_names", token: admin)
                .json?["role_assignments"]?.array
            #expect(assignments?.count == 1 && assignments?.first?["scope"]?["domain"]?["name"] == "d1")
            let login = try await scoped(api, "u1", "pw1", domain: "d1", scope: #"{"project":{"name":"p1","domain":{"name":"d1"}}}"#)
            #expect(login.status == 201 && login.json?["token"]?["project"]?["domain"]?["name"] == "d1"
                    && login.json?["token"]?["user"]?["domain"]?["id"] == .string(id))
            #expect(try await scoped(api, "u1", "pw1", domain: "d1", scope: #"{"domain":{"name":"d1"}}"#).status == 201)
            // Disable, then delete: projects, users and roles of the domain go with it.
            #expect(try await api.call(.delete, "/identity/v3/domains/\(id)", token: admin).status == 403, "enabled")
            let disabled = try await api.call(.patch, "/identity/v3/domains/\(id)", token: admin, json: #"{"domain":{"enabled":false}}"#)
            #expect(disabled.json?["domain"]?["enabled"] == false)
            #expect(try await scoped(api, "u1", "pw1", domain: "d1", scope: #"{"project":{"name":"p1","domain":{"name":"d1"}}}"#).status == 401)
            #expect(try await api.call(.delete, "/identity/v3/domains/\(id)", token: admin).status == 204)
            #expect(try await api.call(.get, "/identity/v3/domains/\(id)", token: admin).status == 404)
            #expect(try await api.call(.get, "/identity/v3/projects/\(projectID)", token: admin).status == 404)
            #expect(try await api.call(.get, "/identity/v3/users/\(userID)", token: admin).status == 404)
            #expect(try await api.call(.delete, "/identity/v3/domains/default", token: admin).status == 403)
        }
    }
}

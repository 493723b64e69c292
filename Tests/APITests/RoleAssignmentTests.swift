import CloudTestSupport
import Foundation
import HTTPTypes
import OpenStackHTTP
import Testing

/// Keystone's role assignment listing, as Ansible's `openstack.cloud.role_assignment` calls it.
@Suite("Identity role assignments")
struct RoleAssignmentTests {
    @Test func filtersNamesAndEffectiveRoles() async throws {
        try await TestCloud.make(register: false).withClient { api in
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let demo = try await api.token("demo", "demopw", project: "demo")
            let first: @Sendable (String, String) async throws -> String = { path, key in
                try #require(try await api.call(.get, path, token: admin).json?[key]?.array?.first?["id"]?.string)
            }
            let userID = try await first("/identity/v3/users?name=demo", "users")
            let projectID = try await first("/identity/v3/projects?name=demo", "projects")
            let memberID = try await first("/identity/v3/roles?name=member", "roles")
            let readerID = try await first("/identity/v3/roles?name=reader", "roles")

            let path = "/identity/v3/role_assignments?user.id=\(userID)&scope.project.id=\(projectID)&role.id=\(memberID)"
            let exact = try await api.call(.get, path, token: admin)
            #expect(exact.status == 200)
            let items = exact.json?["role_assignments"]?.array ?? []
            #expect(items.count == 1)
            #expect(items.first?["scope"]?["project"]?["id"]?.string == projectID && items.first?["user"]?["id"]?.string == userID)
            #expect(items.first?["links"]?["assignment"]?.string?.hasSuffix("/projects/\(projectID)/users/\(userID)/roles/\(memberID)") == true)

            let named = try await api.call(.get, path + "&include_names", token: admin).json?["role_assignments"]?.array?.first
            #expect(named?["role"]?["name"] == "member" && named?["user"]?["name"] == "demo" && named?["scope"]?["project"]?["name"] == "demo")

            let direct = "/identity/v3/role_assignments?user.id=\(userID)&role.id=\(readerID)"
            #expect(try await api.call(.get, direct, token: admin).json?["role_assignments"]?.array?.isEmpty == true)
            #expect(try await api.call(.get, direct + "&effective", token: admin).json?["role_assignments"]?.array?.count == 1,
                    "member implies reader")
            let onDomain = try await api.call(.get, "/identity/v3/role_assignments?scope.domain.id=default", token: admin)
                .json?["role_assignments"]?.array ?? []
            #expect(onDomain.count == 1 && onDomain.first?["scope"]?["domain"]?["id"] == "default", "the bootstrap admin's role on the domain")
            let all = try await api.call(.get, "/identity/v3/role_assignments", token: admin).json?["role_assignments"]?.array ?? []
            #expect(all.count >= 4)

            // Users may list their own assignments, nobody else's.
            #expect(try await api.call(.get, "/identity/v3/role_assignments?user.id=\(userID)", token: demo).status == 200)
            #expect(try await api.call(.get, "/identity/v3/role_assignments", token: demo).status == 403)
            let groups = try await api.call(.get, "/identity/v3/users/\(userID)/groups", token: demo)
            #expect(groups.status == 200 && groups.json?["groups"]?.array?.isEmpty == true)
        }
    }
}

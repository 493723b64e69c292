import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP

/// `GET /v3/role_assignments` with Keystone's filters (`user.id`, `group.id`, `role.id`,
/// `scope.project.id`, `scope.domain.id`, `scope.system`, `effective`, `include_names`), and
/// `GET /v3/users/{id}/groups` (this cloud has no groups: always empty).
struct RoleAssignmentRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL }
    var identity: IdentityService { cloud.identity }

    func register(on v3: RouterGroup<APIRequestContext>) {
        v3.get("role_assignments") { request, context in
            let p = try context.requirePrincipal()
            let q = request.query
            let query = IdentityService.AssignmentQuery(
                userID: q["user.id"], roleID: q["role.id"], projectID: q["scope.project.id"], domainID: q["scope.domain.id"],
                groupID: q["group.id"], systemScope: q["scope.system"] != nil, effective: q["effective"] != nil)
            let names = q["include_names"].map { ["", "1", "true", "True"].contains($0) } ?? false
            var items: [JSON] = []
            for a in try await identity.roleAssignments(query, by: p) {
                items.append(try await view(a, names: names))
            }
            var path = "/identity/v3/role_assignments"
            if !q.pairs.isEmpty { path += "?" + q.pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&") }
            return Response.json(.object([
                ("role_assignments", .array(items)),
                ("links", .object([("self", .string(base + path)), ("previous", .null), ("next", .null)])),
            ]))
        }
        v3.get("users/:id/groups") { _, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            guard p.isAdmin || p.userID == id else {
                throw ControlPlaneError.forbidden("You are not authorized to perform the requested action: identity:list_groups_for_user.")
            }
            _ = try await identity.user(id)
            return Response.json(IdentityViews.collection("groups", [], base: base, path: "/identity/v3/users/\(id)/groups"))
        }
    }

    func view(_ a: RoleAssignment, names: Bool) async throws -> JSON {
        func domainRef(_ id: String?) async -> JSON {
            let domain = (try? await identity.domain(id ?? Domain.default.id)) ?? Domain(id: id ?? "", name: id ?? "")
            return IdentityViews.domainRef(domain)
        }
        var role: [(String, JSON)] = [("id", .string(a.roleID))]
        var user: [(String, JSON)] = [("id", .string(a.userID))]
        if names {
            role.append(("name", JSON((try? await identity.role(a.roleID))?.name)))
            let found = try? await identity.user(a.userID)
            user += [("name", JSON(found?.name)), ("domain", await domainRef(found?.domainID))]
        }
        let scope: JSON
        let link: String
        switch a.scope {
        case let .project(projectID):
            var project: [(String, JSON)] = [("id", .string(projectID))]
            if names {
                let found = try? await identity.project(projectID)
                project += [("name", JSON(found?.name)), ("domain", await domainRef(found?.domainID))]
            }
            scope = .object([("project", .object(project))])
            link = "/identity/v3/projects/\(projectID)/users/\(a.userID)/roles/\(a.roleID)"
        case let .domain(domainID):
            var domain: [(String, JSON)] = [("id", .string(domainID))]
            if names { domain.append(("name", JSON((try? await identity.domain(domainID))?.name))) }
            scope = .object([("domain", .object(domain))])
            link = "/identity/v3/domains/\(domainID)/users/\(a.userID)/roles/\(a.roleID)"
        case .system:
            scope = .object([("system", .object([("all", true)]))])
            link = "/identity/v3/system/users/\(a.userID)/roles/\(a.roleID)"
        }
        return .object([("role", .object(role)), ("user", .object(user)), ("scope", scope),
                        ("links", .object([("assignment", .string(base + link))]))])
    }
}

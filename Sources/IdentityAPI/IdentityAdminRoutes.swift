import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP

/// Projects, users, roles and role assignments (admin operations; users may read themselves).
struct IdentityAdminRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL }
    var identity: IdentityService { cloud.identity }

    func admin(_ context: APIRequestContext) throws -> Principal {
        let p = try context.requirePrincipal()
        guard p.isAdmin else { throw ControlPlaneError.forbidden("You are not authorized to perform the requested action: identity admin required.") }
        return p
    }

    func register(on v3: RouterGroup<APIRequestContext>) {
        // projects
        v3.get("projects") { request, context in
            _ = try admin(context)
            let items = try await identity.projects(named: request.query["name"]).map { IdentityViews.project($0, base: base) }
            return Response.json(IdentityViews.collection("projects", items, base: base, path: "/identity/v3/projects"))
        }
        v3.post("projects") { request, context in
            _ = try admin(context)
            let body = try await request.json(context: context)
            guard let project = body["project"], let name = project["name"]?.string else {
                throw APIError.badRequest("Invalid input for field 'project': 'name' is a required property.")
            }
            let created = try await identity.createProject(Project(
                id: ResourceID.makeGlobal().replacingOccurrences(of: "-", with: ""), name: name,
                domainID: project["domain_id"]?.string ?? "default", description: project["description"]?.string ?? "",
                enabled: project["enabled"]?.bool ?? true))
            return Response.json(.object([("project", IdentityViews.project(created, base: base))]), status: .created)
        }
        v3.get("projects/:id") { _, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            guard p.isAdmin || p.projectID == id else { throw ControlPlaneError.forbidden("You are not authorized to perform the requested action.") }
            return Response.json(.object([("project", IdentityViews.project(try await identity.project(id), base: base))]))
        }
        v3.patch("projects/:id") { request, context in
            _ = try admin(context)
            let body = try await request.json(context: context)
            guard let change = body["project"] else { throw APIError.badRequest("'project' is a required property.") }
            let updated = try await identity.updateProject(try context.parameters.require("id")) { project in
                if let name = change["name"]?.string { project.name = name }
                if let description = change["description"]?.string { project.description = description }
                if let enabled = change["enabled"]?.bool { project.enabled = enabled }
            }
            return Response.json(.object([("project", IdentityViews.project(updated, base: base))]))
        }
        v3.delete("projects/:id") { _, context in
            _ = try admin(context)
            try await identity.deleteProject(try context.parameters.require("id"))
            return Response.empty(.noContent)
        }
        // users
        v3.get("users") { request, context in
            _ = try admin(context)
            let items = try await identity.users(named: request.query["name"]).map { IdentityViews.user($0, base: base) }
            return Response.json(IdentityViews.collection("users", items, base: base, path: "/identity/v3/users"))
        }
        v3.post("users") { request, context in
            _ = try admin(context)
            let body = try await request.json(context: context)
            guard let user = body["user"], let name = user["name"]?.string else {
                throw APIError.badRequest("Invalid input for field 'user': 'name' is a required property.")
            }
            let created = try await identity.createUser(
                name: name, password: user["password"]?.string, domainID: user["domain_id"]?.string ?? "default",
                email: user["email"]?.string, description: user["description"]?.string,
                defaultProjectID: user["default_project_id"]?.string ?? user["project_id"]?.string,
                enabled: user["enabled"]?.bool ?? true)
            return Response.json(.object([("user", IdentityViews.user(created, base: base))]), status: .created)
        }
        v3.get("users/:id") { _, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            guard p.isAdmin || p.userID == id else { throw ControlPlaneError.forbidden("You are not authorized to perform the requested action.") }
            return Response.json(.object([("user", IdentityViews.user(try await identity.user(id), base: base))]))
        }
        v3.patch("users/:id") { request, context in
            _ = try admin(context)
            let body = try await request.json(context: context)
            guard let change = body["user"] else { throw APIError.badRequest("'user' is a required property.") }
            let updated = try await identity.updateUser(try context.parameters.require("id"), password: change["password"]?.string) { user in
                if let name = change["name"]?.string { user.name = name }
                if let enabled = change["enabled"]?.bool { user.enabled = enabled }
                if let email = change["email"]?.string { user.email = email }
                if let description = change["description"]?.string { user.description = description }
                if let project = change["default_project_id"]?.string { user.defaultProjectID = project }
            }
            return Response.json(.object([("user", IdentityViews.user(updated, base: base))]))
        }
        v3.delete("users/:id") { _, context in
            _ = try admin(context)
            try await identity.deleteUser(try context.parameters.require("id"))
            return Response.empty(.noContent)
        }
        v3.post("users/:id/password") { request, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            guard p.userID == id else { throw ControlPlaneError.forbidden("You can only change your own password.") }
            let body = try await request.json(context: context)
            guard let new = body["user"]?["password"]?.string, let original = body["user"]?["original_password"]?.string else {
                throw APIError.badRequest("'password' and 'original_password' are required properties.")
            }
            try await identity.changePassword(user: id, original: original, new: new)
            return Response.empty(.noContent)
        }
        v3.get("users/:id/projects") { _, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            guard p.isAdmin || p.userID == id else { throw ControlPlaneError.forbidden("You are not authorized to perform the requested action.") }
            let items = try await identity.projects(ofUser: id).map { IdentityViews.project($0, base: base) }
            return Response.json(IdentityViews.collection("projects", items, base: base, path: "/identity/v3/users/\(id)/projects"))
        }
        // roles
        v3.get("roles") { request, context in
            _ = try context.requirePrincipal()
            let items = try await identity.roles(named: request.query["name"]).map { IdentityViews.role($0, base: base) }
            return Response.json(IdentityViews.collection("roles", items, base: base, path: "/identity/v3/roles"))
        }
        v3.post("roles") { request, context in
            _ = try admin(context)
            guard let name = try await request.json(context: context)["role"]?["name"]?.string else {
                throw APIError.badRequest("Invalid input for field 'role': 'name' is a required property.")
            }
            let role = try await identity.createRole(name: name)
            return Response.json(.object([("role", IdentityViews.role(role, base: base))]), status: .created)
        }
        v3.get("roles/:id") { _, context in
            _ = try context.requirePrincipal()
            return Response.json(.object([("role", IdentityViews.role(try await identity.role(try context.parameters.require("id")), base: base))]))
        }
        // assignments
        v3.get("projects/:id/users/:u/roles") { _, context in
            _ = try admin(context)
            let user = try context.parameters.require("u"), project = try context.parameters.require("id")
            var roles: [JSON] = []
            for a in try await identity.assignments(user: user) where a.projectID == project {
                roles.append(IdentityViews.role(try await identity.role(a.roleID), base: base))
            }
            return Response.json(IdentityViews.collection("roles", roles, base: base, path: "/identity/v3/projects/\(project)/users/\(user)/roles"))
        }
        for (path, kind) in [("projects/:id/users/:u/roles/:r", "project"), ("domains/:id/users/:u/roles/:r", "domain"),
                             ("system/users/:u/roles/:r", "system")] {
            @Sendable func scope(_ context: APIRequestContext) throws -> AssignmentScope {
                switch kind {
                case "project": .project(try context.parameters.require("id"))
                case "domain": .domain(try context.parameters.require("id"))
                default: .system
                }
            }
            v3.put(RouterPath(stringLiteral: path)) { _, context in
                _ = try admin(context)
                try await identity.grant(role: try context.parameters.require("r"), user: try context.parameters.require("u"),
                                         on: try scope(context))
                return Response.empty(.noContent)
            }
            v3.head(RouterPath(stringLiteral: path)) { _, context in
                _ = try admin(context)
                guard try await identity.hasGrant(role: try context.parameters.require("r"), user: try context.parameters.require("u"),
                                                  on: try scope(context))
                else { throw APIError.notFound("Could not find role assignment.") }
                return Response.empty(.noContent)
            }
            v3.delete(RouterPath(stringLiteral: path)) { _, context in
                _ = try admin(context)
                try await identity.revokeGrant(role: try context.parameters.require("r"), user: try context.parameters.require("u"),
                                               on: try scope(context))
                return Response.empty(.noContent)
            }
        }
    }
}

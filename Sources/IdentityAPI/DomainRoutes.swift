import CloudModel
import ControlPlane
import Hummingbird
import OpenStackHTTP

/// `/v3/domains`: list (`name`, `enabled`), show, create, update, delete (once disabled), and
/// roles of users on a domain. Reads for every authenticated user, changes for admins.
struct DomainRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL }
    var identity: IdentityService { cloud.identity }

    func admin(_ context: APIRequestContext) throws {
        guard try context.requirePrincipal().isAdmin else {
            throw ControlPlaneError.forbidden("You are not authorized to perform the requested action: identity admin required.")
        }
    }

    func register(on v3: RouterGroup<APIRequestContext>) {
        v3.get("domains") { request, context in
            _ = try context.requirePrincipal()
            let domains = try await identity.domains(named: request.query["name"], enabled: try request.query.bool("enabled"))
            return Response.json(IdentityViews.collection("domains", domains.map { IdentityViews.domain($0, base: base) },
                                                          base: base, path: "/identity/v3/domains"))
        }
        v3.get("domains/:id") { _, context in
            _ = try context.requirePrincipal()
            return Response.json(.object([("domain", IdentityViews.domain(try await identity.domain(try context.parameters.require("id")), base: base))]))
        }
        v3.post("domains") { request, context in
            try admin(context)
            let body = try await request.json(context: context)
            guard let domain = body["domain"], let name = domain["name"]?.string else {
                throw APIError.badRequest("Invalid input for field 'domain': 'name' is a required property.")
            }
            if let enabled = domain["enabled"], enabled.bool == nil {
                throw APIError.badRequest("Invalid input for field 'enabled': must be a boolean.")
            }
            let created = try await identity.createDomain(name: name, description: domain["description"]?.string ?? "",
                                                          enabled: domain["enabled"]?.bool ?? true)
            return Response.json(.object([("domain", IdentityViews.domain(created, base: base))]), status: .created)
        }
        v3.patch("domains/:id") { request, context in
            try admin(context)
            let body = try await request.json(context: context)
            guard let change = body["domain"], change.members != nil else { throw APIError.badRequest("'domain' is a required property.") }
            if let enabled = change["enabled"], enabled.bool == nil {
                throw APIError.badRequest("Invalid input for field 'enabled': must be a boolean.")
            }
            let name = change["name"]?.string, description = change["description"]?.string, enabled = change["enabled"]?.bool
            let updated = try await identity.updateDomain(try context.parameters.require("id")) { domain in
                if let name { domain.name = name }
                if let description { domain.description = description }
                if let enabled { domain.enabled = enabled }
            }
            return Response.json(.object([("domain", IdentityViews.domain(updated, base: base))]))
        }
        v3.delete("domains/:id") { _, context in
            try admin(context)
            try await identity.deleteDomain(try context.parameters.require("id"))
            return Response.empty(.noContent)
        }
        v3.get("domains/:id/users/:u/roles") { _, context in
            try admin(context)
            let domain = try context.parameters.require("id"), user = try context.parameters.require("u")
            var roles: [JSON] = []
            for a in try await identity.assignments(user: user) where a.domainID == domain {
                roles.append(IdentityViews.role(try await identity.role(a.roleID), base: base))
            }
            return Response.json(IdentityViews.collection("roles", roles, base: base, path: "/identity/v3/domains/\(domain)/users/\(user)/roles"))
        }
    }
}

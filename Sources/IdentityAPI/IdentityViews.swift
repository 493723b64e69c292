import CloudModel
import ControlPlane
import OpenStackHTTP

/// Keystone's JSON views of identity objects.
enum IdentityViews {
    static func domainRef(_ d: Domain) -> JSON { .object([("id", .string(d.id)), ("name", .string(d.name))]) }

    /// A token's body: the user, and the project, domain or system it is scoped to with its roles
    /// and the catalog (none for an unscoped token).
    static func token(_ p: Principal, catalog: Catalog, userDomain: Domain, projectDomain: Domain?) -> JSON {
        var members: [(String, JSON)] = [
            ("methods", .array(p.methods.map(JSON.string))),
            ("user", .object([("id", .string(p.userID)), ("name", .string(p.userName)), ("domain", domainRef(userDomain)),
                              ("password_expires_at", .null)])),
            ("audit_ids", .array(p.auditIDs.map(JSON.string))),
            ("expires_at", .string(Timestamps.microsZulu(p.expiresAt))),
            ("issued_at", .string(Timestamps.microsZulu(p.issuedAt))),
        ]
        let roles: JSON = .array(p.roles.map { .object([("id", .string($0.id)), ("name", .string($0.name))]) })
        if let projectID = p.projectID {
            members += [
                ("project", .object([("id", .string(projectID)), ("name", JSON(p.projectName)),
                                     ("domain", domainRef(projectDomain ?? .default))])),
                ("is_domain", false), ("roles", roles), ("catalog", catalog.json(project: p.projectID)),
            ]
        } else if let domainID = p.scopeDomainID {
            members += [("domain", .object([("id", .string(domainID)), ("name", JSON(p.scopeDomainName))])),
                        ("roles", roles), ("catalog", catalog.json(project: p.projectID))]
        } else if p.systemScope {
            members += [("system", .object([("all", true)])), ("roles", roles), ("catalog", catalog.json(project: p.projectID))]
        }
        return .object([("token", .object(members))])
    }

    static func project(_ p: Project, base: String) -> JSON {
        .object([
            ("id", .string(p.id)), ("name", .string(p.name)), ("domain_id", .string(p.domainID)),
            ("description", .string(p.description)), ("enabled", .bool(p.enabled)), ("is_domain", false),
            ("parent_id", .string(p.domainID)), ("tags", []),
            ("links", .object([("self", .string("\(base)/identity/v3/projects/\(p.id)"))])),
        ])
    }

    static func user(_ u: User, base: String) -> JSON {
        var members: [(String, JSON)] = [
            ("id", .string(u.id)), ("name", .string(u.name)), ("domain_id", .string(u.domainID)),
            ("enabled", .bool(u.enabled)), ("password_expires_at", .null), ("options", .object([])),
            ("links", .object([("self", .string("\(base)/identity/v3/users/\(u.id)"))])),
        ]
        if let project = u.defaultProjectID { members.append(("default_project_id", .string(project))) }
        if let email = u.email { members.append(("email", .string(email))) }
        if let description = u.description { members.append(("description", .string(description))) }
        return .object(members)
    }

    static func role(_ r: Role, base: String) -> JSON {
        .object([
            ("id", .string(r.id)), ("name", .string(r.name)), ("domain_id", .null), ("description", .null),
            ("options", .object([])), ("links", .object([("self", .string("\(base)/identity/v3/roles/\(r.id)"))])),
        ])
    }

    static func domain(_ d: Domain, base: String) -> JSON {
        .object([
            ("id", .string(d.id)), ("name", .string(d.name)), ("description", .string(d.description)), ("enabled", .bool(d.enabled)),
            ("tags", []), ("options", .object([])),
            ("links", .object([("self", .string("\(base)/identity/v3/domains/\(d.id)"))])),
        ])
    }

    static func version(base: String) -> JSON {
        .object([
            ("id", "v3.14"), ("status", "stable"), ("updated", "2020-04-07T00:00:00Z"),
            ("links", [.object([("rel", "self"), ("href", .string("\(base)/identity/v3/"))])]),
            ("media-types", [.object([("base", "application/json"), ("type", "application/vnd.openstack.identity-v3+json")])]),
        ])
    }

    static func collection(_ name: String, _ items: [JSON], base: String, path: String) -> JSON {
        .object([
            (name, .array(items)),
            ("links", .object([("self", .string(base + path)), ("previous", .null), ("next", .null)])),
        ])
    }
}

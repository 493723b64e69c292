import CloudModel
import ControlPlane
import OpenStackHTTP

/// Keystone's JSON views of identity objects.
enum IdentityViews {
    static let defaultDomain: JSON = .object([("id", "default"), ("name", "Default")])

    static func token(_ p: Principal, catalog: Catalog) -> JSON {
        var members: [(String, JSON)] = [
            ("methods", .array(p.methods.map(JSON.string))),
            ("user", .object([("id", .string(p.userID)), ("name", .string(p.userName)), ("domain", defaultDomain),
                              ("password_expires_at", .null)])),
            ("audit_ids", .array(p.auditIDs.map(JSON.string))),
            ("expires_at", .string(Timestamps.microsZulu(p.expiresAt))),
            ("issued_at", .string(Timestamps.microsZulu(p.issuedAt))),
        ]
        if let projectID = p.projectID {
            members += [
                ("project", .object([("id", .string(projectID)), ("name", JSON(p.projectName)), ("domain", defaultDomain)])),
                ("is_domain", false),
                ("roles", .array(p.roles.map { .object([("id", .string($0.id)), ("name", .string($0.name))]) })),
                ("catalog", catalog.json),
            ]
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

    static func domain(base: String) -> JSON {
        .object([
            ("id", "default"), ("name", "Default"), ("description", "The default domain"), ("enabled", true),
            ("tags", []), ("options", .object([])),
            ("links", .object([("self", .string("\(base)/identity/v3/domains/default"))])),
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

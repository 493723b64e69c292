import ControlPlane
import OpenStackHTTP

/// `POST /v3/auth/tokens` body, validated.
struct AuthRequest {
    enum Method {
        case password(IdentityService.UserRef, String)
        case token(String)
    }

    var method: Method
    var scope: IdentityService.Scope?
    var explicitlyUnscoped: Bool

    init(_ body: JSON) throws {
        guard let auth = body["auth"], let identity = auth["identity"], let methods = identity["methods"]?.array else {
            throw APIError.badRequest("Expecting to find auth.identity.methods in the request body.")
        }
        let names = methods.compactMap(\.string)
        if names.contains("password") {
            guard let user = identity["password"]?["user"], let password = user["password"]?.string else {
                throw APIError.badRequest("Expecting to find password.user.password in the request body.")
            }
            if let id = user["id"]?.string {
                method = .password(.id(id), password)
            } else if let name = user["name"]?.string {
                method = .password(.name(name, domain: try Self.domain(user["domain"])), password)
            } else {
                throw APIError.badRequest("Expecting to find password.user.id or password.user.name.")
            }
        } else if names.contains("token") {
            guard let token = identity["token"]?["id"]?.string else {
                throw APIError.badRequest("Expecting to find token.id in the request body.")
            }
            method = .token(token)
        } else {
            throw APIError(status: 401, message: "Unsupported authentication method: only password and token are supported.")
        }
        explicitlyUnscoped = auth["scope"]?.string == "unscoped"
        if let project = auth["scope"]?["project"] {
            if let id = project["id"]?.string {
                scope = .projectID(id)
            } else if let name = project["name"]?.string {
                scope = .projectName(name, domain: try Self.domain(project["domain"]))
            } else {
                throw APIError.badRequest("Expecting to find scope.project.id or scope.project.name.")
            }
        } else if let domain = auth["scope"]?["domain"] {
            scope = .domain(try Self.domain(domain))
        } else if let system = auth["scope"]?["system"] {
            guard system["all"]?.bool == true else {
                throw APIError.badRequest("Expecting to find scope.system.all: true (the only system scope).")
            }
            scope = .system
        }
    }

    static func domain(_ json: JSON?) throws -> IdentityService.DomainRef {
        if let id = json?["id"]?.string { return .id(id) }
        if let name = json?["name"]?.string { return .name(name) }
        throw APIError.badRequest("Expecting to find domain.id or domain.name.")
    }
}

import CloudModel
public import ControlPlane
import Foundation
import HTTPTypes
public import Hummingbird
public import OpenStackHTTP

/// Keystone v3 subset: versions, tokens, catalog, domains, projects, users, roles, assignments.
public struct IdentityRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL }
    let services: [CatalogEntry]
    var catalog: Catalog { Catalog(baseURL: base, region: cloud.configuration.region, services: services) }
    static let subjectToken = HTTPField.Name("X-Subject-Token")!

    public init(cloud: ControlPlane, services: [CatalogEntry]) {
        self.cloud = cloud
        self.services = services
    }

    public func register(on router: Router<APIRequestContext>) {
        router.get("/identity") { _, _ in versions() }
        router.get("/identity/v3") { _, _ in Response.json(.object([("version", IdentityViews.version(base: base))])) }
        let v3 = router.group("/identity/v3")
        v3.post("auth/tokens", use: issue)
        v3.get("auth/tokens", use: showToken)
        v3.head("auth/tokens") { request, context in
            _ = try await subject(request, context)
            return Response.empty(.ok)
        }
        v3.delete("auth/tokens") { request, context in
            try await cloud.identity.revoke(try await subject(request, context).1)
            return Response.empty(.noContent)
        }
        v3.get("auth/catalog") { _, context in
            let p = try context.requirePrincipal()
            return Response.json(.object([("catalog", catalog.json(project: p.projectID)), ("links", .object([("self", .string(base + "/identity/v3/auth/catalog"))]))]))
        }
        v3.get("auth/projects") { _, context in
            let p = try context.requirePrincipal()
            let projects = try await cloud.identity.projects(ofUser: p.userID)
            return Response.json(IdentityViews.collection("projects", projects.map { IdentityViews.project($0, base: base) }, base: base, path: "/identity/v3/auth/projects"))
        }
        DomainRoutes(cloud: cloud).register(on: v3)
        // The catalog as Keystone's read-only resources (this cloud's services are its code, not data).
        for (path, key, list) in [("services", "services", catalog.serviceList), ("endpoints", "endpoints", catalog.endpointList),
                                  ("regions", "regions", catalog.regionList)] {
            v3.get(RouterPath(stringLiteral: path)) { request, context in
                _ = try context.requirePrincipal()
                var items = list
                for filter in ["type", "interface", "service_id", "region_id", "name"] {
                    if let wanted = request.query[filter] { items = items.filter { $0[filter]?.string == wanted } }
                }
                return Response.json(IdentityViews.collection(key, items, base: base, path: "/identity/v3/\(path)"))
            }
            v3.get(RouterPath(stringLiteral: "\(path)/:id")) { _, context in
                _ = try context.requirePrincipal()
                let wanted = try context.parameters.require("id")
                guard let item = list.first(where: { $0["id"]?.string == wanted }) else {
                    throw APIError.notFound("Could not find \(key.dropLast()): \(wanted).")
                }
                return Response.json(.object([(String(key.dropLast()), item)]))
            }
        }
        IdentityAdminRoutes(cloud: cloud).register(on: v3)
        RoleAssignmentRoutes(cloud: cloud).register(on: v3)
    }

    func tokenView(_ p: Principal) async throws -> JSON {
        let userDomain = (try? await cloud.identity.domain(p.domainID)) ?? Domain(id: p.domainID, name: p.domainID)
        let projectDomain = p.projectDomainID.flatMap { id in id == userDomain.id ? userDomain : nil }
        let resolved: Domain? = if let projectDomain { projectDomain } else if let id = p.projectDomainID { try? await cloud.identity.domain(id) } else { nil }
        return IdentityViews.token(p, catalog: catalog, userDomain: userDomain, projectDomain: resolved)
    }

    func versions() -> Response {
        Response.json(.object([("versions", .object([("values", .array([IdentityViews.version(base: base)]))]))]),
                      status: .multipleChoices)
    }

    @Sendable func issue(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let auth = try AuthRequest(try await request.json(context: context))
        let (token, principal): (String, Principal)
        switch auth.method {
        case let .password(user, password):
            var scope = auth.scope
            if scope == nil, !auth.explicitlyUnscoped, case let .id(id) = user, let project = try? await cloud.identity.user(id).defaultProjectID {
                scope = .projectID(project)
            }
            do {
                (token, principal) = try await cloud.identity.authenticate(user: user, password: password, scope: scope)
            } catch let error as ControlPlaneError where error.code == .unauthorized && auth.scope == nil && scope != nil {
                (token, principal) = try await cloud.identity.authenticate(user: user, password: password, scope: nil)
            }
        case let .token(existing):
            (token, principal) = try await cloud.identity.rescope(existing, scope: auth.scope)
        }
        var headers = HTTPFields()
        headers[Self.subjectToken] = token
        return Response.json(try await tokenView(principal), status: .created, headers: headers)
    }

    /// The token named by `X-Subject-Token`, checked; the caller needs a valid token too.
    func subject(_ request: Request, _ context: APIRequestContext) async throws -> (Principal, String) {
        let caller = try context.requirePrincipal()
        guard let token = request.headers[Self.subjectToken] else {
            throw APIError.badRequest("X-Subject-Token header is required.")
        }
        guard let principal = try? await cloud.identity.validate(token) else {
            throw APIError.notFound("Could not find token.")
        }
        guard caller.isAdmin || caller.userID == principal.userID else {
            throw ControlPlaneError.forbidden("You are not authorized to inspect this token.")
        }
        return (principal, token)
    }

    @Sendable func showToken(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (principal, token) = try await subject(request, context)
        var headers = HTTPFields()
        headers[Self.subjectToken] = token
        return Response.json(try await tokenView(principal), headers: headers)
    }
}

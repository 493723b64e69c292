import CloudModel
import ControlPlane
import Hummingbird
import OpenStackHTTP

/// `/v2.0/quotas`: a project's network quotas (show, defaults, details with usage, update, reset).
struct QuotaRoutes: Sendable {
    let cloud: ControlPlane
    var quotas: NetworkQuotaService { cloud.networkQuotas }

    static func view(_ q: NetworkQuota) -> JSON { .object(q.items.map { ($0.0, .int($0.1)) }) }

    func project(_ context: APIRequestContext) throws -> String {
        let p = try context.requirePrincipal()
        let project = try context.parameters.require("project")
        guard p.isAdmin || p.projectID == project else {
            throw ControlPlaneError(.forbidden, "Only administrators may see other projects' quotas.", kind: "PolicyNotAuthorized")
        }
        return project
    }

    func register(on v2: RouterGroup<APIRequestContext>) {
        v2.get("quotas") { _, context in
            let p = try context.requirePrincipal()
            guard p.isAdmin else { throw ControlPlaneError(.forbidden, "Only administrators may list quotas.", kind: "PolicyNotAuthorized") }
            var items: [JSON] = []
            for project in try await cloud.identity.projects() {
                let quota = try await quotas.quota(for: project.id)
                guard quota != .defaults, case let .object(members) = Self.view(quota) else { continue }
                items.append(.object(members + [("project_id", .string(project.id)), ("tenant_id", .string(project.id))]))
            }
            return Response.json(.object([("quotas", .array(items))]))
        }
        v2.get("quotas/:project") { _, context in
            Response.json(.object([("quota", Self.view(try await quotas.quota(for: try project(context))))]))
        }
        v2.get("quotas/:project/default") { _, context in
            _ = try project(context)
            return Response.json(.object([("quota", Self.view(.defaults))]))
        }
        v2.get("quotas/:project/details") { _, context in
            let project = try project(context)
            let quota = try await quotas.quota(for: project)
            let usage = try await quotas.usage(of: project)
            return Response.json(.object([("quota", .object(quota.items.map { name, limit in
                (name, .object([("limit", .int(limit)), ("used", .int(usage[name] ?? 0)), ("reserved", 0)]))
            }))]))
        }
        v2.put("quotas/:project") { request, context in
            let p = try context.requirePrincipal()
            let body = try await request.json(context: context)
            guard let members = body["quota"]?.members else { throw APIError.badRequest("Resource body required: 'quota' must be an object.") }
            var values: [String: Int] = [:]
            for (name, value) in members {
                guard let n = value.int ?? value.string.flatMap({ Int($0) }) else {
                    throw APIError.badRequest("Invalid input for \(name): must be an integer.")
                }
                values[name] = n
            }
            let quota = try await quotas.update(project: try context.parameters.require("project"), values, by: p)
            return Response.json(.object([("quota", Self.view(quota))]))
        }
        v2.delete("quotas/:project") { _, context in
            try await quotas.reset(project: try context.parameters.require("project"), by: try context.requirePrincipal())
            return Response.empty(.noContent)
        }
    }
}

import CloudModel
import ControlPlane
import Hummingbird
import OpenStackHTTP
import StateStore

/// `/os-server-groups`: create, list, show, delete. `policies` holds one policy (soft ones from
/// 2.15); `project_id` and `user_id` are shown from 2.13; from 2.64 `policy` and `rules`
/// (`max_server_per_host` for anti-affinity) replace `policies` and `metadata`.
struct ServerGroupRoutes: Sendable {
    let cloud: ControlPlane
    var groups: ServerGroupService { cloud.serverGroups }

    func view(_ g: ServerGroup, members: [String], version: APIVersion) -> JSON {
        var m: [(String, JSON)] = [("id", .string(g.id)), ("name", .string(g.name))]
        if ComputeFeature.groupPolicyRules.served(at: version) {
            m += [("policy", .string(g.policy.rawValue)),
                  ("rules", .object(g.maxServersPerHost.map { [("max_server_per_host", .int($0))] } ?? [])),
                  ("members", .array(members.map(JSON.string)))]
        } else {
            m += [("policies", [.string(g.policy.rawValue)]), ("members", .array(members.map(JSON.string))), ("metadata", .object([]))]
        }
        if ComputeFeature.serverGroupOwner.served(at: version) {
            m += [("project_id", .string(g.projectID)), ("user_id", .string(g.userID))]
        }
        return .object(m)
    }

    func members(_ g: ServerGroup) async -> [String] {
        await groups.members(of: g.id).values.flatMap { $0 }.sorted()
    }

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.post("os-server-groups") { request, context in
            let p = try context.requirePrincipal()
            let body = try await request.json(context: context)
            guard let group = body["server_group"], let fields = group.members else {
                throw APIError.badRequest("Invalid input for field/attribute server_group: 'server_group' is a required property.")
            }
            let rulesForm = context.serves(.groupPolicyRules)
            let keys: Set<String> = rulesForm ? ["name", "policy", "rules"] : ["name", "policies"]
            if let unknown = fields.map(\.0).first(where: { !keys.contains($0) }) {
                throw APIError.badRequest("Invalid input for field/attribute server_group. Additional properties are not allowed ('\(unknown)' was unexpected)")
            }
            guard let name = group["name"]?.string else {
                throw APIError.badRequest("Invalid input for field/attribute name: 'name' is a required property of type string.")
            }
            var allowed: [ServerGroup.Policy] = [.affinity, .antiAffinity]
            if context.serves(.softGroupPolicies) { allowed += [.softAffinity, .softAntiAffinity] }
            let named = rulesForm ? group["policy"]?.string : group["policies"]?.array.flatMap { $0.count == 1 ? $0[0].string : nil }
            guard let text = named, let policy = ServerGroup.Policy(rawValue: text), allowed.contains(policy) else {
                throw APIError.badRequest("Invalid input for field/attribute \(rulesForm ? "policy" : "policies"): exactly one of \(allowed.map(\.rawValue)) is required.")
            }
            var maxPerHost: Int? = nil
            if rulesForm, let rules = group["rules"] {
                guard let items = rules.members, items.allSatisfy({ $0.0 == "max_server_per_host" }) else {
                    throw APIError.badRequest("Invalid input for field/attribute rules: only max_server_per_host is allowed.")
                }
                if let value = rules["max_server_per_host"] {
                    guard let n = value.int ?? value.string.flatMap({ Int($0) }) else {
                        throw APIError.badRequest("Invalid input for field/attribute max_server_per_host: must be an integer >= 1.")
                    }
                    maxPerHost = n
                }
            }
            let created = try await groups.create(name: name, policy: policy, maxServersPerHost: maxPerHost, by: p)
            return Response.json(.object([("server_group", view(created, members: [], version: context.computeVersion))]))
        }
        v21.get("os-server-groups") { request, context in
            let p = try context.requirePrincipal()
            let q = request.query
            var list = try await groups.list(allProjects: try q.bool("all_projects") ?? false, by: p)
            if let offset = try q.int("offset") { list = Array(list.dropFirst(max(0, offset))) }
            if let limit = try q.int("limit") { list = Array(list.prefix(max(0, limit))) }
            var items: [JSON] = []
            for g in list { items.append(view(g, members: await members(g), version: context.computeVersion)) }
            return Response.json(.object([("server_groups", .array(items))]))
        }
        v21.get("os-server-groups/:id") { _, context in
            let g = try await groups.get(try context.parameters.require("id"), by: try context.requirePrincipal()).value
            return Response.json(.object([("server_group", view(g, members: await members(g), version: context.computeVersion))]))
        }
        v21.delete("os-server-groups/:id") { _, context in
            try await groups.delete(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.empty(.noContent)
        }
    }
}

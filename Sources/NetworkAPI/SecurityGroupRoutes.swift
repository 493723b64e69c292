import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP
import StateStore

/// `/v2.0/security-groups` and `/v2.0/security-group-rules`.
struct SecurityGroupRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL + "/networking" }
    var groups: SecurityGroupService { cloud.securityGroups }

    func register(on v2: RouterGroup<APIRequestContext>) {
        v2.get("security-groups") { request, context in
            let items = try await groups.groups(by: try context.requirePrincipal()).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .map(NetworkViews.securityGroup)
            return Response.json(try NeutronQuery(query: request.query).answer("security_groups", items, baseURL: base, path: "/v2.0/security-groups"))
        }
        v2.post("security-groups") { request, context in
            let p = try context.requirePrincipal()
            let body = try NeutronBody(try await request.json(context: context), "security_group",
                                       allowed: ["name", "description", "stateful", "tenant_id", "project_id"])
            let group = try await groups.create(name: try body.string("name") ?? "", description: try body.string("description") ?? "",
                                                projectID: try body.string("project_id") ?? body.string("tenant_id"),
                                                stateful: try body.bool("stateful") ?? true, by: p)
            return Response.json(.object([("security_group", NetworkViews.securityGroup(group))]), status: .created)
        }
        v2.get("security-groups/:id") { request, context in
            let group = try await groups.group(try context.parameters.require("id"), by: try context.requirePrincipal()).value
            return Response.json(.object([("security_group", NeutronQuery(query: request.query).select(NetworkViews.securityGroup(group)))]))
        }
        v2.put("security-groups/:id") { request, context in
            let p = try context.requirePrincipal()
            let body = try NeutronBody(try await request.json(context: context), "security_group", allowed: ["name", "description"])
            let group = try await groups.update(try context.parameters.require("id"), name: try body.string("name"),
                                                description: try body.string("description"), by: p)
            return Response.json(.object([("security_group", NetworkViews.securityGroup(group))]))
        }
        v2.delete("security-groups/:id") { _, context in
            try await groups.delete(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.empty(.noContent)
        }
        v2.get("security-group-rules") { request, context in
            let items = try await groups.rules(by: try context.requirePrincipal()).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .map { NetworkViews.rule($0) }
            return Response.json(try NeutronQuery(query: request.query).answer("security_group_rules", items, baseURL: base,
                                                                               path: "/v2.0/security-group-rules"))
        }
        v2.post("security-group-rules") { request, context in
            let p = try context.requirePrincipal()
            let body = try NeutronBody(try await request.json(context: context), "security_group_rule", allowed: [
                "security_group_id", "direction", "ethertype", "protocol", "port_range_min", "port_range_max", "remote_ip_prefix",
                "remote_group_id", "description", "tenant_id", "project_id",
            ])
            guard let group = try body.string("security_group_id"), let direction = try body.string("direction") else {
                throw APIError.badRequest("Invalid input: security_group_id and direction are required.")
            }
            var f = SecurityGroupService.RuleFields(securityGroupID: group, direction: direction)
            f.ethertype = try body.string("ethertype")
            f.proto = try body.string("protocol") ?? body.int("protocol").map(String.init)
            f.portRangeMin = try body.int("port_range_min")
            f.portRangeMax = try body.int("port_range_max")
            f.remoteIPPrefix = try body.string("remote_ip_prefix")
            f.remoteGroupID = try body.string("remote_group_id")
            f.description = try body.string("description")
            let rule = try await groups.addRule(f, by: p)
            return Response.json(.object([("security_group_rule", NetworkViews.rule(rule))]), status: .created)
        }
        v2.get("security-group-rules/:id") { request, context in
            let rule = try await groups.rule(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.json(.object([("security_group_rule", NeutronQuery(query: request.query).select(NetworkViews.rule(rule)))]))
        }
        v2.delete("security-group-rules/:id") { _, context in
            try await groups.deleteRule(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.empty(.noContent)
        }
    }
}

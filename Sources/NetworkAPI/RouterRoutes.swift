import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP
import StateStore

/// `/v2.0/routers`: create, list, show, update (name, admin state, external gateway), delete,
/// and `add_router_interface` / `remove_router_interface`.
struct RouterRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL + "/networking" }

    static let attributes: Set<String> = [
        "name", "description", "admin_state_up", "external_gateway_info", "availability_zone_hints", "tenant_id", "project_id",
    ]

    func fields(_ body: NeutronBody) throws -> RouterService.RouterFields {
        var f = RouterService.RouterFields()
        f.name = try body.string("name")
        f.description = try body.string("description")
        f.adminStateUp = try body.bool("admin_state_up")
        f.zoneHints = try body.strings("availability_zone_hints")
        f.projectID = try body.string("project_id") ?? body.string("tenant_id")
        if let info = body.fields["external_gateway_info"] {
            if info.isNull || info.members?.isEmpty == true {
                f.gateway = .some(nil)
            } else {
                let gateway = try NeutronBody(.object([("external_gateway_info", info)]), "external_gateway_info",
                                              allowed: ["network_id", "enable_snat", "external_fixed_ips"])
                guard let network = try gateway.string("network_id") else {
                    throw APIError.badRequest("Invalid input for external_gateway_info. Reason: network_id is required.")
                }
                let ips = try gateway.objects("external_fixed_ips")?.map { item -> (subnetID: String?, address: String?) in
                    (item["subnet_id"]?.string, item["ip_address"]?.string)
                }
                f.gateway = .some(RouterService.GatewayFields(networkID: network, enableSNAT: try gateway.bool("enable_snat"), fixedIPs: ips))
            }
        }
        return f
    }

    /// `{"subnet_id"}` or `{"port_id"}` of an interface call.
    static func interface(_ body: JSON) throws -> (subnet: String?, port: String?) {
        guard let members = body.members else { throw APIError.badRequest("Body must be an object with subnet_id or port_id.") }
        let unknown = members.map(\.0).filter { !["subnet_id", "port_id"].contains($0) }
        guard unknown.isEmpty else { throw APIError.badRequest("Unrecognized attribute(s) '\(unknown.joined(separator: ", "))'") }
        for key in ["subnet_id", "port_id"] where body[key] != nil && body[key]?.string == nil {
            throw APIError.badRequest("Invalid input for \(key). Reason: '\(body[key]!)' is not a valid UUID.")
        }
        return (body["subnet_id"]?.string, body["port_id"]?.string)
    }

    func register(on v2: RouterGroup<APIRequestContext>) {
        v2.get("routers") { request, context in
            let p = try context.requirePrincipal()
            let items = try await cloud.routers.routers(by: p).map(NetworkViews.router)
            return Response.json(try NeutronQuery(query: request.query).answer("routers", items, baseURL: base, path: "/v2.0/routers"))
        }
        v2.post("routers") { request, context in
            let p = try context.requirePrincipal()
            let body = try NeutronBody(try await request.json(context: context), "router", allowed: Self.attributes)
            let router = try await cloud.routers.create(try fields(body), by: p)
            return Response.json(.object([("router", NetworkViews.router(router))]), status: .created)
        }
        v2.get("routers/:id") { request, context in
            let p = try context.requirePrincipal()
            let router = try await cloud.routers.router(try context.parameters.require("id"), by: p).value
            return Response.json(.object([("router", NeutronQuery(query: request.query).select(NetworkViews.router(router)))]))
        }
        v2.put("routers/:id") { request, context in
            let p = try context.requirePrincipal()
            var allowed = Self.attributes
            allowed.subtract(["tenant_id", "project_id"])
            let body = try NeutronBody(try await request.json(context: context), "router", allowed: allowed)
            let router = try await cloud.routers.update(try context.parameters.require("id"), try fields(body), by: p)
            return Response.json(.object([("router", NetworkViews.router(router))]))
        }
        v2.delete("routers/:id") { _, context in
            try await cloud.routers.delete(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.empty(.noContent)
        }
        v2.put("routers/:id/add_router_interface") { request, context in
            let p = try context.requirePrincipal()
            let asked = try Self.interface(try await request.json(context: context))
            let info = try await cloud.routers.addInterface(try context.parameters.require("id"), subnetID: asked.subnet, portID: asked.port, by: p)
            return Response.json(NetworkViews.interfaceInfo(info))
        }
        v2.put("routers/:id/remove_router_interface") { request, context in
            let p = try context.requirePrincipal()
            let asked = try Self.interface(try await request.json(context: context))
            let info = try await cloud.routers.removeInterface(try context.parameters.require("id"), subnetID: asked.subnet, portID: asked.port,
                                                               by: p)
            return Response.json(NetworkViews.interfaceInfo(info))
        }
    }
}

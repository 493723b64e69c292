import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP
import StateStore

/// `/v2.0/floatingips`: create (from an external network, optionally associated), list, show,
/// update (associate with `port_id`, disassociate with `port_id: null`), delete.
struct FloatingIPRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL + "/networking" }

    static let attributes: Set<String> = [
        "floating_network_id", "subnet_id", "floating_ip_address", "port_id", "fixed_ip_address", "description", "tenant_id", "project_id",
    ]

    func fields(_ body: NeutronBody) throws -> FloatingIPService.Fields {
        var f = FloatingIPService.Fields()
        f.networkID = try body.string("floating_network_id")
        f.subnetID = try body.string("subnet_id")
        f.address = try body.string("floating_ip_address")
        f.portID = try body.nullableString("port_id")
        f.fixedAddress = try body.string("fixed_ip_address")
        f.description = try body.string("description")
        f.projectID = try body.string("project_id") ?? body.string("tenant_id")
        return f
    }

    func register(on v2: RouterGroup<APIRequestContext>) {
        v2.get("floatingips") { request, context in
            let p = try context.requirePrincipal()
            let items = try await cloud.floatingIPs.list(by: p).map(NetworkViews.floatingIP)
            return Response.json(try NeutronQuery(query: request.query).answer("floatingips", items, baseURL: base, path: "/v2.0/floatingips"))
        }
        v2.post("floatingips") { request, context in
            let p = try context.requirePrincipal()
            let body = try NeutronBody(try await request.json(context: context), "floatingip", allowed: Self.attributes)
            let fip = try await cloud.floatingIPs.create(try fields(body), by: p)
            return Response.json(.object([("floatingip", NetworkViews.floatingIP(fip))]), status: .created)
        }
        v2.get("floatingips/:id") { request, context in
            let p = try context.requirePrincipal()
            let fip = try await cloud.floatingIPs.get(try context.parameters.require("id"), by: p).value
            return Response.json(.object([("floatingip", NeutronQuery(query: request.query).select(NetworkViews.floatingIP(fip)))]))
        }
        v2.put("floatingips/:id") { request, context in
            let p = try context.requirePrincipal()
            let body = try NeutronBody(try await request.json(context: context), "floatingip",
                                       allowed: ["port_id", "fixed_ip_address", "description"])
            let fip = try await cloud.floatingIPs.update(try context.parameters.require("id"), try fields(body), by: p)
            return Response.json(.object([("floatingip", NetworkViews.floatingIP(fip))]))
        }
        v2.delete("floatingips/:id") { _, context in
            try await cloud.floatingIPs.delete(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.empty(.noContent)
        }
    }
}

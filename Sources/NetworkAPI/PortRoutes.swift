import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP
import StateStore

/// `/v2.0/ports`: create (at this controller's site), list, show, update, delete.
struct PortRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL + "/networking" }

    static let attributes: Set<String> = [
        "name", "description", "network_id", "fixed_ips", "mac_address", "security_groups", "device_id", "device_owner",
        "port_security_enabled", "admin_state_up", "binding:host_id", "binding:vnic_type", "binding:profile", "tenant_id", "project_id",
    ]

    func fields(_ body: NeutronBody) throws -> PortService.PortFields {
        var f = PortService.PortFields()
        f.name = try body.string("name")
        f.description = try body.string("description")
        f.networkID = try body.string("network_id")
        f.fixedIPs = try body.objects("fixed_ips")?.map { item in
            let subnet = item["subnet_id"]?.string, address = item["ip_address"]?.string
            guard subnet != nil || address != nil else {
                throw APIError.badRequest("Invalid input for fixed_ips: each item needs subnet_id or ip_address.")
            }
            return (subnet, address)
        }
        f.macAddress = try body.string("mac_address")
        f.securityGroups = try body.strings("security_groups")
        f.deviceID = try body.string("device_id")
        f.deviceOwner = try body.string("device_owner")
        f.portSecurityEnabled = try body.bool("port_security_enabled")
        f.adminStateUp = try body.bool("admin_state_up")
        if let host = try body.nullableString("binding:host_id") { f.hostID = .some(host.flatMap { $0.isEmpty ? nil : $0 }) }
        if let vnic = try body.string("binding:vnic_type"), vnic != "normal" {
            throw APIError.badRequest("Invalid input for binding:vnic_type: only 'normal' ports are served.")
        }
        f.projectID = try body.string("project_id") ?? body.string("tenant_id")
        return f
    }

    func register(on v2: RouterGroup<APIRequestContext>) {
        v2.get("ports") { request, context in
            let p = try context.requirePrincipal()
            let items = try await cloud.ports.list(by: p).map { NetworkViews.port($0, admin: p.isAdmin) }
            return Response.json(try NeutronQuery(query: request.query).answer("ports", items, baseURL: base, path: "/v2.0/ports"))
        }
        v2.post("ports") { request, context in
            let p = try context.requirePrincipal()
            let body = try NeutronBody(try await request.json(context: context), "port", allowed: Self.attributes)
            let port = try await cloud.ports.create(try fields(body), by: p)
            return Response.json(.object([("port", NetworkViews.port(port, admin: p.isAdmin))]), status: .created)
        }
        v2.get("ports/:id") { request, context in
            let p = try context.requirePrincipal()
            let port = try await cloud.ports.get(try context.parameters.require("id"), by: p).value
            return Response.json(.object([("port", NeutronQuery(query: request.query).select(NetworkViews.port(port, admin: p.isAdmin)))]))
        }
        v2.put("ports/:id") { request, context in
            let p = try context.requirePrincipal()
            var allowed = Self.attributes
            allowed.subtract(["tenant_id", "project_id", "network_id"])
            let body = try NeutronBody(try await request.json(context: context), "port", allowed: allowed)
            let port = try await cloud.ports.update(try context.parameters.require("id"), try fields(body), by: p)
            return Response.json(.object([("port", NetworkViews.port(port, admin: p.isAdmin))]))
        }
        v2.delete("ports/:id") { _, context in
            try await cloud.ports.delete(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.empty(.noContent)
        }
    }
}

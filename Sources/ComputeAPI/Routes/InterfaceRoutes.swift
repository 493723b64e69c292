import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP
import StateStore

/// `/servers/{id}/os-interface`: list, show, attach (a port, or a network with an optional
/// fixed IP; `tag` from 2.49) and detach a server's interfaces; `tag` shown from 2.70. Also
/// `/servers/{id}/os-security-groups`, the groups of the server's ports.
struct InterfaceRoutes: Sendable {
    let cloud: ControlPlane

    static func view(_ port: NetworkPort, tag: String?, context: APIRequestContext) -> JSON {
        var m: [(String, JSON)] = [
            ("fixed_ips", .array(port.fixedIPs.map { .object([("ip_address", .string($0.address.description)), ("subnet_id", .string($0.subnetID))]) })),
            ("mac_addr", .string(port.macAddress)), ("net_id", .string(port.networkID)), ("port_id", .string(port.id)),
            ("port_state", .string(port.status)),
        ]
        if context.serves(.interfaceTagsShown) { m.append(("tag", JSON(tag))) }
        return .object(m)
    }

    /// A security group as Nova's proxy API shows it (ingress rules, nova-network's shape).
    static func securityGroupView(_ g: SecurityGroup) -> JSON {
        .object([("id", .string(g.id)), ("name", .string(g.name)), ("description", .string(g.description)),
                 ("tenant_id", .string(g.projectID)),
                 ("rules", .array(g.rules.filter { $0.direction == .ingress }.map { r in
                     .object([("id", .string(r.id)), ("parent_group_id", .string(g.id)), ("ip_protocol", JSON(r.proto)),
                              ("from_port", JSON(r.portRangeMin ?? (r.proto == "icmp" ? -1 : nil))),
                              ("to_port", JSON(r.portRangeMax ?? (r.proto == "icmp" ? -1 : nil))),
                              ("ip_range", r.remoteIPPrefix.map { .object([("cidr", .string($0))]) } ?? .object([])),
                              ("group", r.remoteGroupID.map { remote in
                                  .object([("name", .string(remote == g.id ? g.name : remote)), ("tenant_id", .string(g.projectID))])
                              } ?? .object([]))])
                 }))])
    }

    /// The attach body: `port_id`, or `net_id` with optional `fixed_ips` (one address).
    static func request(_ body: JSON, context: APIRequestContext) throws -> CreateServerCommand.NetworkRequest {
        guard let attachment = body["interfaceAttachment"], let members = attachment.members else {
            throw APIError.badRequest("Invalid input for field/attribute interfaceAttachment: must be an object.")
        }
        var allowed: Set<String> = ["port_id", "net_id", "fixed_ips"]
        if context.serves(.interfaceTags) { allowed.insert("tag") }
        if let unknown = members.map(\.0).first(where: { !allowed.contains($0) }) {
            throw APIError.badRequest("Invalid input for field/attribute interfaceAttachment. Additional properties are not allowed ('\(unknown)' was unexpected)")
        }
        let port = attachment["port_id"]?.string, network = attachment["net_id"]?.string
        if port != nil && network != nil { throw APIError.badRequest("Must not input both network_id and port_id") }
        guard port != nil || network != nil else { throw APIError.badRequest("Either port_id or net_id is required.") }
        var fixed: String?
        if let ips = attachment["fixed_ips"], !ips.isNull {
            guard let list = ips.array, list.count <= 1, list.allSatisfy({ $0["ip_address"]?.string != nil }) else {
                throw APIError.badRequest("Invalid input for field/attribute fixed_ips: one item with ip_address.")
            }
            if port != nil { throw APIError.badRequest("fixed_ips come with net_id, not with port_id.") }
            fixed = list.first?["ip_address"]?.string
        }
        return CreateServerCommand.NetworkRequest(networkID: network, portID: port, fixedIP: fixed,
                                                  tag: try CreateServerRequest.deviceTag(attachment["tag"]))
    }

    func register(on v21: RouterGroup<APIRequestContext>) {
        let servers = cloud.servers
        v21.get("servers/:id/os-interface") { _, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let server = try await servers.get(id, by: p).value
            let ports = try await servers.interfaces(id, by: p)
            return Response.json(.object([("interfaceAttachments", .array(ports.map { port in
                Self.view(port, tag: server.nics.first { $0.portID == port.id }?.tag, context: context)
            }))]))
        }
        v21.get("servers/:id/os-interface/:port") { _, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id"), portID = try context.parameters.require("port")
            let server = try await servers.get(id, by: p).value
            guard let port = try await servers.interfaces(id, by: p).first(where: { $0.id == portID }) else {
                throw APIError.notFound("Instance \(id) has no interface with port \(portID).")
            }
            return Response.json(.object([("interfaceAttachment",
                                           Self.view(port, tag: server.nics.first { $0.portID == portID }?.tag, context: context))]))
        }
        v21.post("servers/:id/os-interface") { request, context in
            let p = try context.requirePrincipal()
            let asked = try Self.request(try await request.json(context: context), context: context)
            let port = try await servers.attachInterface(try context.parameters.require("id"), asked, by: p)
            return Response.json(.object([("interfaceAttachment", Self.view(port, tag: asked.tag, context: context))]))
        }
        v21.get("servers/:id/os-security-groups") { _, context in
            let groups = try await servers.securityGroups(of: try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.json(.object([("security_groups", .array(groups.map(Self.securityGroupView)))]))
        }
        v21.delete("servers/:id/os-interface/:port") { _, context in
            try await servers.detachInterface(try context.parameters.require("id"), portID: try context.parameters.require("port"),
                                              by: try context.requirePrincipal())
            return Response.empty(.accepted)
        }
    }
}

import CloudModel
import ControlPlane
import Foundation
import HTTPTypes
import Hummingbird
import OpenStackHTTP
import StateStore

/// `/servers`: boot, list, show, update, delete, actions, metadata, instance actions, ips.
struct ServerRoutes: Sendable {
    let cloud: ControlPlane
    let viewCache = ServerViewCache()
    var views: ServerViews { ServerViews(links: Links(base: cloud.configuration.publicURL)) }
    var servers: ServerService { cloud.servers }

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.post("servers", use: create)
        v21.get("servers") { request, context in
            let p = try context.requirePrincipal()
            let (list, next) = try await page(request, p, version: context.computeVersion)
            return Response.json(collection(list.map(views.brief), next: next, request: request, path: "servers"))
        }
        v21.get("servers/detail") { request, context in
            let p = try context.requirePrincipal()
            let (list, next) = try await page(request, p, version: context.computeVersion)
            let views = self.views
            let version = context.computeVersion
            let hostStatuses = await HostStatuses.load(cloud, p, version, for: list)
            let items = list.map { server in
                let status = hostStatuses?.status(of: server)
                return viewCache.detail(server, admin: p.isAdmin, version: version, hostStatus: status) {
                    views.detail($0, admin: p.isAdmin, version: version, hostStatus: status)
                }
            }
            return Response.json(collection(items, next: next, request: request, path: "servers/detail"))
        }
        v21.get("servers/:id") { _, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            if let site = context.unreachableHome {
                // The server's site does not answer: from 2.69 Nova's minimal view, from what this site saw.
                guard context.serves(.downSiteMinimal), let normalized = ResourceID.normalized(id),
                      let seen = await servers.sightings.sighting(normalized, of: site, project: p.isAdmin ? nil : p.projectID)
                else {
                    throw ControlPlaneError(.unavailable, "Site \(site) does not answer from site \(cloud.configuration.site): its resources cannot be shown or changed until it is reachable again.")
                }
                return Response.json(.object([("server", views.detail(Server.unreachable(seen), admin: p.isAdmin,
                                                                      version: context.computeVersion, show: true))]))
            }
            let server = try await servers.get(id, by: p).value
            let status = await HostStatuses.load(cloud, p, context.computeVersion, for: [server])?.status(of: server)
            return Response.json(.object([("server", views.detail(server, admin: p.isAdmin, version: context.computeVersion,
                                                                  hostStatus: status, show: true))]))
        }
        v21.put("servers/:id") { request, context in
            let p = try context.requirePrincipal()
            let body = try await request.json(context: context)
            guard let change = body["server"], let members = change.members else {
                throw APIError.badRequest("Invalid input for field/attribute server: 'server' is a required property.")
            }
            var allowed: Set<String> = ["name", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig"]
            if context.serves(.description) { allowed.insert("description") }
            if context.serves(.hostname) { allowed.insert("hostname") }
            if let unknown = members.map(\.0).first(where: { !allowed.contains($0) }) {
                throw APIError.badRequest("Additional properties are not allowed ('\(unknown)' was unexpected)")
            }
            for key in ["name", "accessIPv4", "accessIPv6", "hostname"] where change[key] != nil && change[key]?.string == nil {
                throw APIError.badRequest("Invalid input for field/attribute \(key): must be a string.")
            }
            let description: String?? = switch change["description"] {
            case nil: nil
            case .null?: .some(nil)
            case let value?: .some(try value.string ?? { throw APIError.badRequest("Invalid input for field/attribute description: must be a string or null.") }())
            }
            let hostname = change["hostname"]?.string
            if let hostname, !context.serves(.fqdnHostname), hostname.contains(".") {
                throw APIError.badRequest("Invalid input for field/attribute hostname. Value: \(hostname). A hostname is one label (an FQDN needs 2.94).")
            }
            let server = try await servers.update(try context.parameters.require("id"), name: change["name"]?.string,
                                                  accessIPv4: change["accessIPv4"]?.string,
                                                  accessIPv6: change["accessIPv6"]?.string, description: description,
                                                  hostname: hostname, by: p)
            let status = context.serves(.fullUpdateView)
                ? await HostStatuses.load(cloud, p, context.computeVersion, for: [server])?.status(of: server) : nil
            return Response.json(.object([("server", views.update(server, admin: p.isAdmin, version: context.computeVersion,
                                                                  hostStatus: status))]))
        }
        v21.delete("servers/:id") { _, context in
            let p = try context.requirePrincipal()
            try await servers.perform(.delete, on: try context.parameters.require("id"), by: p, requestID: context.requestID)
            return Response.empty(.noContent)
        }
        v21.post("servers/:id/action") { request, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            switch try ServerActionRequest(try await request.json(context: context), version: context.computeVersion) {
            case let .lifecycle(action):
                try await servers.perform(action, on: id, by: p, requestID: context.requestID)
                return Response.empty(.accepted)
            case let .lock(reason):
                try await servers.setLocked(true, id, reason: reason, by: p, requestID: context.requestID)
                return Response.empty(.accepted)
            case .triggerCrashDump:
                try await servers.triggerCrashDump(id, by: p, requestID: context.requestID)
                return Response.empty(.accepted)
            case let .securityGroup(group, add):
                try await servers.changeSecurityGroup(group, add: add, on: id, by: p)
                return Response.empty(.accepted)
            case .unlock:
                try await servers.setLocked(false, id, by: p, requestID: context.requestID)
                return Response.empty(.accepted)
            case let .consoleOutput(lines):
                let output = try await servers.consoleOutput(id, lines: lines, by: p)
                return Response.json(.object([("output", .string(output))]))
            }
        }
        v21.get("servers/:id/ips") { _, context in
            let server = try await servers.get(try context.parameters.require("id"), by: try context.requirePrincipal()).value
            return Response.json(.object([("addresses", ServerViews.addresses(server))]))
        }
        v21.get("servers/:id/ips/:network") { _, context in
            let server = try await servers.get(try context.parameters.require("id"), by: try context.requirePrincipal()).value
            let network = try context.parameters.require("network")
            guard let items = ServerViews.addresses(server)[network] else { throw APIError.notFound("Network \(network) could not be found.") }
            return Response.json(.object([(network, items)]))
        }
        v21.get("servers/:id/os-instance-actions") { request, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let (server, history) = try await servers.instanceHistory(id, includeDeleted: context.serves(.deletedServerActions), by: p)
            var actions = Array(history.reversed())
            var next: String? = nil
            if context.serves(.actionPagination) {
                (actions, next) = try InstanceActionPage.apply(request.query, to: actions, version: context.computeVersion)
            }
            let compute = ComputeViews(links: views.links)
            let version = context.computeVersion
            var members: [(String, JSON)] = [("instanceActions", .array(actions.map {
                compute.instanceAction($0, events: false, admin: p.isAdmin, server: server, version: version)
            }))]
            if let next {
                members.append(("links", [.object([("href", .string("\(cloud.configuration.publicURL)/compute/v2.1/servers/\(id)/os-instance-actions?limit=\(actions.count)&marker=\(next)")), ("rel", "next")])]))
            }
            return Response.json(.object(members))
        }
        v21.get("servers/:id/os-instance-actions/:request") { _, context in
            let p = try context.requirePrincipal()
            let wanted = try context.parameters.require("request")
            let (server, actions) = try await servers.instanceHistory(try context.parameters.require("id"),
                                                                      includeDeleted: context.serves(.deletedServerActions), by: p)
            guard let action = actions.first(where: { $0.requestID == wanted }) else {
                throw APIError.notFound("Action \(wanted) not found")
            }
            return Response.json(.object([("instanceAction", ComputeViews(links: views.links).instanceAction(
                action, events: true, admin: p.isAdmin, server: server, version: context.computeVersion))]))
        }
        v21.get("servers/:id/topology") { _, context in
            guard context.serves(.topology) else { throw APIError.notFound() }
            let p = try context.requirePrincipal()
            _ = try await servers.get(try context.parameters.require("id"), by: p)
            // No guest here has a NUMA topology (no hw:numa_* flavors): Nova then answers no nodes.
            return Response.json(.object([("nodes", []), ("pagesize_kb", .null)]))
        }
        ServerTagRoutes(servers: servers, publicURL: cloud.configuration.publicURL).register(on: v21)
        v21.post("servers/:id/remote-consoles") { request, context -> Response in
            guard context.serves(.remoteConsoles) else { throw APIError.notFound() }
            let p = try context.requirePrincipal()
            let console = try RemoteConsoleRequest(try await request.json(context: context), version: context.computeVersion)
            _ = try await servers.get(try context.parameters.require("id"), by: p)
            // No console proxy (noVNC, SPICE, serial, MKS) runs in this cloud: Nova then answers 400.
            throw APIError.badRequest("Unavailable console type \(console.type).")
        }
        MetadataRoutes(servers: servers).register(on: v21)
    }

    @Sendable func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let p = try context.requirePrincipal()
        let wire = try CreateServerRequest(try await request.json(context: context), version: context.computeVersion)
        let origin = request.headers[SiteScopedRoute.originSiteHeader]
        let created = try await servers.create(wire.command, by: p, requestID: context.requestID, origin: origin)
        if wire.returnReservationID {
            return Response.json(.object([("reservation_id", .string(created[0].reservationID))]), status: .accepted)
        }
        let first = created[0]
        let password = String((0..<12).map { _ in "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".randomElement()! })
        var headers = HTTPFields()
        headers[.location] = "\(cloud.configuration.publicURL)/compute/v2.1/servers/\(first.id)"
        return Response.json(.object([("server", .object([
            ("id", .string(first.id)), ("links", views.links.links("servers", first.id)), ("OS-DCF:diskConfig", "MANUAL"),
            ("security_groups", ServerViews.securityGroups(first)), ("adminPass", .string(password)),
        ]))]), status: .accepted, headers: headers)
    }

    /// One page of servers and whether there is a next one.
    func page(_ request: Request, _ p: Principal, version: APIVersion) async throws -> ([Server], String?) {
        let q = request.query
        var query = try ServerListQuery.parse(q, isAdmin: p.isAdmin, version: version)
        let limit = query.limit
        query.limit = limit.map { $0 + 1 }  // one more tells whether there is a next page
        if q["deleted"].map({ $0.lowercased() == "true" }) == true { return ([], nil) }
        var list = try await servers.list(query, by: p)
        var next: String? = nil
        if let limit, list.count > limit {
            list = Array(list.prefix(limit))
            next = list.last?.id
        }
        return (list, next)
    }

    func collection(_ items: [JSON], next: String?, request: Request, path: String) -> JSON {
        var members: [(String, JSON)] = [("servers", .array(items))]
        if let next {
            var pairs = request.query.pairs.filter { $0.0 != "marker" }
            pairs.append(("marker", next))
            let query = pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0.1)" }.joined(separator: "&")
            members.append(("servers_links", [.object([("href", .string("\(cloud.configuration.publicURL)/compute/v2.1/\(path)?\(query)")), ("rel", "next")])]))
        }
        return .object(members)
    }
}

import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP
import Scheduling

/// `/os-hypervisors`: every host of every site, for admins, with its statistics. Paginated from
/// 2.33; UUIDs, `hypervisor_hostname_pattern` and `with_servers` from 2.53; statistics gone at 2.88.
struct HypervisorRoutes: Sendable {
    let cloud: ControlPlane
    var views: ComputeViews { ComputeViews(links: Links(base: cloud.configuration.publicURL)) }

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.get("os-hypervisors") { request, context in
            Response.json(try await listing(request, context, detail: false))
        }
        v21.get("os-hypervisors/detail") { request, context in
            Response.json(try await listing(request, context, detail: true))
        }
        v21.get("os-hypervisors/statistics") { _, context in
            guard !context.serves(.hypervisorTrimmed) else { throw APIError.notFound() }
            let hosts = try await cloud.hypervisors.all(by: try context.requirePrincipal())
            var running = 0
            for h in hosts { running += try await cloud.hypervisors.runningServers(on: h.host) }
            func sum(_ f: (ComputeHost) -> Int) -> JSON { .int(hosts.map { f($0.host) }.reduce(0, +)) }
            return Response.json(.object([("hypervisor_statistics", .object([
                ("count", .int(hosts.count)), ("current_workload", 0),
                ("disk_available_least", sum { $0.capacity.diskGB - $0.used.diskGB }),
                ("free_disk_gb", sum { $0.capacity.diskGB - $0.used.diskGB }), ("free_ram_mb", sum { $0.capacity.ramMB - $0.used.ramMB }),
                ("local_gb", sum { $0.capacity.diskGB }), ("local_gb_used", sum { $0.used.diskGB }),
                ("memory_mb", sum { $0.capacity.ramMB }), ("memory_mb_used", sum { $0.used.ramMB }), ("running_vms", .int(running)),
                ("vcpus", sum { $0.capacity.vcpus }), ("vcpus_used", sum { $0.used.vcpus }),
            ]))]))
        }
        v21.get("os-hypervisors/:id/search") { _, context in try await search(context, withServers: false) }
        v21.get("os-hypervisors/:id/servers") { _, context in try await search(context, withServers: true) }
        v21.get("os-hypervisors/:id/uptime") { _, context -> Response in
            guard !context.serves(.hypervisorTrimmed) else { throw APIError.notFound() }
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id"), uuids = context.serves(.hypervisorUUIDs)
            guard try await cloud.hypervisors.all(by: p).contains(where: { uuids ? $0.host.id == id : String($0.host.number) == id }) else {
                throw APIError.notFound("Hypervisor with ID \(id) could not be found.")
            }
            // Agents do not report their host's uptime: Nova answers 501 for such a driver.
            throw APIError(status: 501, message: "Virt driver does not implement uptime function.")
        }
        v21.get("os-hypervisors/:id") { request, context in
            let p = try context.requirePrincipal()
            let hosts = try await cloud.hypervisors.all(by: p)
            let id = try context.parameters.require("id")
            let uuids = context.serves(.hypervisorUUIDs)
            guard let h = hosts.first(where: { uuids ? $0.host.id == id : String($0.host.number) == id }) else {
                throw APIError.notFound("Hypervisor with ID \(id) could not be found.")
            }
            let withServers = try uuids && (request.query.bool("with_servers") ?? false)
            return Response.json(.object([("hypervisor", try await view(h, detail: true, withServers: withServers, p, context.computeVersion))]))
        }
    }

    /// `/os-hypervisors/{pattern}/search` and `/{pattern}/servers` (below 2.53): hosts whose name
    /// contains the pattern (404 when none), with their servers for `servers`.
    func search(_ context: APIRequestContext, withServers: Bool) async throws -> Response {
        guard !context.serves(.hypervisorUUIDs) else { throw APIError.notFound() }
        let p = try context.requirePrincipal()
        let pattern = try context.parameters.require("id")
        let hosts = try await cloud.hypervisors.all(by: p).filter { $0.host.name.contains(pattern) }
        guard !hosts.isEmpty else { throw APIError.notFound("No hypervisor matching '\(pattern)' could be found.") }
        var items: [JSON] = []
        for h in hosts { items.append(try await view(h, detail: false, withServers: withServers, p, context.computeVersion)) }
        return Response.json(.object([("hypervisors", .array(items))]))
    }

    func listing(_ request: Request, _ context: APIRequestContext, detail: Bool) async throws -> JSON {
        let p = try context.requirePrincipal()
        let q = request.query
        let version = context.computeVersion
        let uuids = context.serves(.hypervisorUUIDs)
        var hosts = try await cloud.hypervisors.all(by: p)
        let pattern = uuids ? q["hypervisor_hostname_pattern"] : nil
        if let pattern {
            guard q["limit"] == nil && q["marker"] == nil else {
                throw APIError.badRequest("Paging over hypervisors with 'hypervisor_hostname_pattern' is not supported.")
            }
            hosts = hosts.filter { $0.host.name.contains(pattern) }
            if hosts.isEmpty { throw APIError.notFound("No hypervisor matching '\(pattern)' could be found.") }
        }
        var next: String? = nil
        if context.serves(.hypervisorPagination) {
            (hosts, next) = try MarkerPage.apply(hosts, q) { uuids ? $0.host.id : String($0.host.number) }
        }
        let withServers = try uuids && (q.bool("with_servers") ?? false)
        var items: [JSON] = []
        for h in hosts { items.append(try await view(h, detail: detail, withServers: withServers, p, version)) }
        var members: [(String, JSON)] = [("hypervisors", .array(items))]
        if let next {
            let path = detail ? "os-hypervisors/detail" : "os-hypervisors"
            members.append(("hypervisors_links", [.object([
                ("href", .string("\(cloud.configuration.publicURL)/compute/v2.1/\(path)?limit=\(hosts.count)&marker=\(next)")), ("rel", "next"),
            ])]))
        }
        return .object(members)
    }

    func view(_ h: HostSnapshot, detail: Bool, withServers: Bool, _ p: Principal, _ version: APIVersion) async throws -> JSON {
        let running = detail ? try await cloud.hypervisors.runningServers(on: h.host) : 0
        var servers: [Server]? = nil
        if withServers {
            let placed = try await cloud.servers.list(ServerQuery(host: h.host.id, allTenants: true), by: p)
            // Left out when the host has no servers, until 2.75.
            if !placed.isEmpty || ComputeFeature.hypervisorServersAlways.served(at: version) { servers = placed }
        }
        return views.hypervisor(h, detail: detail, runningVMs: running, servers: servers, version: version)
    }
}

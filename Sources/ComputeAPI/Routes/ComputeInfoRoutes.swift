import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP
import Scheduling
import StateStore

/// Limits, quota sets, availability zones, hypervisors and simple tenant usage.
struct ComputeInfoRoutes: Sendable {
    let cloud: ControlPlane
    var views: ComputeViews { ComputeViews(links: Links(base: cloud.configuration.publicURL)) }

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.get("limits") { request, context in
            let p = try context.requirePrincipal()
            let project = p.isAdmin ? (request.query["tenant_id"] ?? p.projectID ?? "") : (p.projectID ?? "")
            let quota = try await cloud.quotas.quota(for: project)
            return Response.json(ComputeViews.limits(quota, usage: try await cloud.quotas.usage(of: project)))
        }
        v21.get("os-quota-sets/:project") { _, context in
            let p = try context.requirePrincipal()
            let project = try context.parameters.require("project")
            guard p.isAdmin || p.projectID == project else { throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.") }
            return Response.json(.object([("quota_set", ComputeViews.quotaSet(try await cloud.quotas.quota(for: project), id: project))]))
        }
        v21.get("os-quota-sets/:project/defaults") { _, context in
            _ = try context.requirePrincipal()
            return Response.json(.object([("quota_set", ComputeViews.quotaSet(.defaults, id: try context.parameters.require("project")))]))
        }
        v21.put("os-quota-sets/:project") { request, context in
            let p = try context.requirePrincipal()
            let project = try context.parameters.require("project")
            guard let set = try await request.json(context: context)["quota_set"], let members = set.members else {
                throw APIError.badRequest("Invalid input for field/attribute quota_set: required object.")
            }
            var values: [String: Int] = [:]
            for (key, value) in members where key != "force" {
                guard let n = value.int ?? value.string.flatMap({ Int($0) }), n >= -1 else {
                    throw APIError.badRequest("Invalid input for field/attribute \(key): must be an integer >= -1.")
                }
                values[key] = n
            }
            let requested = values
            let quota = try await cloud.quotas.update(project: project, by: p) { q in
                if let v = requested["instances"] { q.instances = v }
                if let v = requested["cores"] { q.cores = v }
                if let v = requested["ram"] { q.ramMB = v }
                if let v = requested["key_pairs"] { q.keyPairs = v }
                if let v = requested["metadata_items"] { q.metadataItems = v }
            }
            let body = ComputeViews.quotaSet(quota, id: project)
            return Response.json(.object([("quota_set", .object(body.members!.filter { $0.0 != "id" }))]))
        }
        v21.get("os-availability-zone") { _, context in
            _ = try context.requirePrincipal()
            return Response.json(try await zones(detail: false, admin: false))
        }
        v21.get("os-availability-zone/detail") { _, context in
            let p = try context.requirePrincipal()
            return Response.json(try await zones(detail: true, admin: p.isAdmin))
        }
        v21.get("os-hypervisors") { _, context in
            let hosts = try await cloud.hypervisors.all(by: try context.requirePrincipal())
            return Response.json(.object([("hypervisors", .array(hosts.map { views.hypervisor($0, detail: false, runningVMs: 0) }))]))
        }
        v21.get("os-hypervisors/detail") { _, context in
            let hosts = try await cloud.hypervisors.all(by: try context.requirePrincipal())
            var items: [JSON] = []
            for h in hosts { items.append(views.hypervisor(h, detail: true, runningVMs: try await running(h))) }
            return Response.json(.object([("hypervisors", .array(items))]))
        }
        v21.get("os-hypervisors/statistics") { _, context in
            let hosts = try await cloud.hypervisors.all(by: try context.requirePrincipal())
            var running = 0
            for h in hosts { running += try await self.running(h) }
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
        v21.get("os-hypervisors/:id") { _, context in
            let hosts = try await cloud.hypervisors.all(by: try context.requirePrincipal())
            let id = try context.parameters.require("id")
            guard let h = hosts.first(where: { String($0.host.number) == id }) else {
                throw APIError.notFound("Hypervisor with ID \(id) could not be found.")
            }
            return Response.json(.object([("hypervisor", views.hypervisor(h, detail: true, runningVMs: try await running(h)))]))
        }
        v21.get("os-simple-tenant-usage/:project") { request, context in
            let p = try context.requirePrincipal()
            let project = try context.parameters.require("project")
            let (start, end) = try period(request)
            let usages = try await cloud.usage.usage(project: project, start: start, end: end, by: p)
            return Response.json(.object([("tenant_usage", tenantUsage(project, usages, start, end))]))
        }
        v21.get("os-simple-tenant-usage") { request, context in
            let p = try context.requirePrincipal()
            guard p.isAdmin else { throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-simple-tenant-usage:list to be performed.") }
            let (start, end) = try period(request)
            var all: [JSON] = []
            for project in try await cloud.identity.projects() {
                let usages = try await cloud.usage.usage(project: project.id, start: start, end: end, by: p)
                if !usages.isEmpty { all.append(tenantUsage(project.id, usages, start, end, detailed: request.query["detailed"] == "1")) }
            }
            return Response.json(.object([("tenant_usages", .array(all))]))
        }
    }

    func running(_ h: HostSnapshot) async throws -> Int {
        try await cloud.store.hosts(h.host.site).claims(on: h.host.id).count
    }

    func zones(detail: Bool, admin: Bool) async throws -> JSON {
        let hosts = detail && admin ? try await cloud.hypervisors.everyHost() : []
        let zones: [JSON] = await cloud.sites.all().map { site in
            let siteHosts = hosts.filter { $0.host.site == site.id }
            let hostsJSON: JSON = detail && admin
                ? .object(siteHosts.map { h in
                    (h.host.name, .object([("nova-compute", .object([
                        ("available", .bool(h.isUp && h.host.enabled)), ("active", .bool(h.host.enabled)), ("updated_at", .null),
                    ]))]))
                })
                : .null
            return .object([("zoneName", .string(site.id)), ("zoneState", .object([("available", true)])), ("hosts", hostsJSON)])
        }
        return .object([("availabilityZoneInfo", .array(zones))])
    }

    func period(_ request: Request) throws -> (Date, Date) {
        let q = request.query
        let now = Date()
        let parse = { (text: String) throws -> Date in
            try Self.parseTime(text)
        }
        let start = try q["start"].map(parse) ?? now.addingTimeInterval(-30 * 86400)
        let end = try q["end"].map(parse) ?? now
        return (start, end)
    }

    static func parseTime(_ text: String) throws -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd'T'HH:mm:ss.SSSSSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.SSSSSS", "yyyy-MM-dd HH:mm:ss",
                       "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        throw APIError.badRequest("Invalid time format '\(text)': use ISO 8601.")
    }

    func tenantUsage(_ project: String, _ usages: [UsageService.ServerUsage], _ start: Date, _ end: Date, detailed: Bool = true) -> JSON {
        let hours = usages.map(\.hours).reduce(0, +)
        var m: [(String, JSON)] = [
            ("tenant_id", .string(project)), ("start", .string(Timestamps.micros(start))), ("stop", .string(Timestamps.micros(end))),
            ("total_hours", .double(hours)),
            ("total_vcpus_usage", .double(usages.map { $0.hours * Double($0.server.flavor.vcpus) }.reduce(0, +))),
            ("total_memory_mb_usage", .double(usages.map { $0.hours * Double($0.server.flavor.ramMB) }.reduce(0, +))),
            ("total_local_gb_usage", .double(usages.map { $0.hours * Double($0.server.flavor.diskGB) }.reduce(0, +))),
        ]
        if detailed {
            m.append(("server_usages", .array(usages.map { u in
                .object([
                    ("instance_id", .string(u.server.id)), ("name", .string(u.server.name)), ("hours", .double(u.hours)),
                    ("memory_mb", .int(u.server.flavor.ramMB)), ("local_gb", .int(u.server.flavor.diskGB)),
                    ("vcpus", .int(u.server.flavor.vcpus)), ("tenant_id", .string(project)), ("flavor", .string(u.server.flavor.name)),
                    ("started_at", .string(Timestamps.micros(u.startedAt))), ("ended_at", JSON(u.endedAt.map(Timestamps.micros))),
                    ("state", .string(u.endedAt == nil ? u.server.vmState.rawValue : "terminated")),
                    ("uptime", .int(Int((u.endedAt ?? Date()).timeIntervalSince(u.startedAt)))),
                ])
            })))
        }
        return .object(m)
    }
}

import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP

/// `/os-simple-tenant-usage`: server hours per project over a period; from 2.40 the servers'
/// usages are paged (`limit`, `marker` = a server ID) and the totals cover the page, as Nova.
struct TenantUsageRoutes: Sendable {
    let cloud: ControlPlane

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.get("os-simple-tenant-usage/:project") { request, context in
            let p = try context.requirePrincipal()
            let project = try context.parameters.require("project")
            let (start, end) = try period(request)
            let all = try await cloud.usage.usage(project: project, start: start, end: end, by: p)
            let (usages, next) = try page(all, request, context)
            var members: [(String, JSON)] = [("tenant_usage", usages.isEmpty && context.serves(.usagePagination) ? .object([]) : tenantUsage(project, usages, start, end))]
            if let next { members.append(("tenant_usage_links", links(request, path: "os-simple-tenant-usage/\(project)", marker: next))) }
            return Response.json(.object(members))
        }
        v21.get("os-simple-tenant-usage") { request, context in
            let p = try context.requirePrincipal()
            guard p.isAdmin else { throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-simple-tenant-usage:list to be performed.") }
            let (start, end) = try period(request)
            var usages: [UsageService.ServerUsage] = []
            for project in try await cloud.identity.projects().sorted(by: { $0.id < $1.id }) {
                usages += try await cloud.usage.usage(project: project.id, start: start, end: end, by: p)
            }
            let (paged, next) = try page(usages, request, context)
            var all: [JSON] = []
            var byProject: [String: [UsageService.ServerUsage]] = [:]
            var order: [String] = []
            for u in paged {
                if byProject[u.server.projectID] == nil { order.append(u.server.projectID) }
                byProject[u.server.projectID, default: []].append(u)
            }
            for project in order {
                all.append(tenantUsage(project, byProject[project]!, start, end, detailed: request.query["detailed"] == "1"))
            }
            var members: [(String, JSON)] = [("tenant_usages", .array(all))]
            if let next { members.append(("tenant_usages_links", links(request, path: "os-simple-tenant-usage", marker: next))) }
            return Response.json(.object(members))
        }
    }

    /// The page of server usages `limit`/`marker` ask for (2.40; everything below), and the
    /// marker of the next page.
    func page(_ usages: [UsageService.ServerUsage], _ request: Request, _ context: APIRequestContext) throws
        -> ([UsageService.ServerUsage], String?)
    {
        guard context.serves(.usagePagination) else { return (usages, nil) }
        return try MarkerPage.apply(usages, request.query, id: \.server.id)
    }

    func links(_ request: Request, path: String, marker: String) -> JSON {
        var pairs = request.query.pairs.filter { $0.0 != "marker" }
        pairs.append(("marker", marker))
        let query = pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
        return [.object([("href", .string("\(cloud.configuration.publicURL)/compute/v2.1/\(path)?\(query)")), ("rel", "next")])]
    }

    func period(_ request: Request) throws -> (Date, Date) {
        let q = request.query
        let now = cloud.clock.now()
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
                    ("uptime", .int(Int((u.endedAt ?? cloud.clock.now()).timeIntervalSince(u.startedAt)))),
                ])
            })))
        }
        return .object(m)
    }
}

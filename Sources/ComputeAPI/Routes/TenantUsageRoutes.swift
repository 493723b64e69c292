import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP

/// `/os-simple-tenant-usage`: server hours per project over a period.
struct TenantUsageRoutes: Sendable {
    let cloud: ControlPlane

    func register(on v21: RouterGroup<APIRequestContext>) {
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

import CloudModel
import ControlPlane
import Foundation
import OpenStackHTTP

/// The query string of `GET /servers[/detail]`, parsed into a typed `ServerQuery`.
enum ServerListQuery {
    /// - Parameter isAdmin: an unknown status is 400 for admins, an empty listing for others (Nova).
    /// - Parameter version: below 2.5, `ip6` is ignored for non-admins (as Nova).
    static func parse(_ q: Query, isAdmin: Bool, version: APIVersion) throws -> ServerQuery {
        var statuses: Set<ServerStatus>? = nil
        if let text = q["status"] {
            var parsed: Set<ServerStatus> = []
            for word in text.split(separator: ",") {
                guard let status = ServerStatus(rawValue: word.uppercased()) else {
                    if isAdmin { throw APIError.badRequest("Invalid status value") }
                    parsed = []  // nothing can match
                    break
                }
                parsed.insert(status)
            }
            statuses = parsed
        }
        return ServerQuery(
            name: try q["name"].map { try ServerQuery.NameFilter(pattern: $0) },
            ip: try q["ip"].map { try ServerQuery.NameFilter(pattern: $0) },
            ip6: try (isAdmin || ComputeFeature.ip6FilterForEveryone.served(at: version) ? q["ip6"] : nil)
                .map { try ServerQuery.NameFilter(pattern: $0) },
            statuses: statuses,
            changesSince: try q["changes-since"].map(parseTime), host: q["host"],
            allTenants: try q.bool("all_tenants") ?? (q["all_tenants"] == "" ? true : false),
            projectID: q["project_id"] ?? q["tenant_id"], limit: try q.int("limit"), marker: q["marker"],
            availabilityZone: q["availability_zone"])
    }

    /// `changes-since`: ISO 8601, with or without fraction or zone, or a plain date.
    static func parseTime(_ text: String) throws -> Date {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd'T'HH:mm:ss.SSSSSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.SSSSSS",
                       "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        throw APIError.badRequest("Invalid input for changes-since '\(text)': use ISO 8601.")
    }
}

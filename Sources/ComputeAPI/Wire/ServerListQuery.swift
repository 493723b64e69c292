import CloudModel
import ControlPlane
import Foundation
import OpenStackHTTP

/// The query string of `GET /servers[/detail]`, parsed into a typed `ServerQuery` at the
/// request's microversion.
enum ServerListQuery {
    /// Every parameter Nova's schema knows (2.75 refuses others; below, others are ignored).
    static let known: Set<String> = [
        "user_id", "project_id", "tenant_id", "launch_index", "image_ref", "image", "kernel_id", "ramdisk_id", "hostname",
        "key_name", "power_state", "vm_state", "task_state", "host", "node", "flavor", "reservation_id", "launched_at",
        "terminated_at", "availability_zone", "name", "display_name", "description", "display_description", "locked_by",
        "uuid", "root_device_name", "config_drive", "access_ip_v4", "access_ip_v6", "auto_disk_config", "progress",
        "sort_key", "sort_dir", "all_tenants", "soft_deleted", "deleted", "status", "changes-since", "ip", "ip6",
        "created_at", "limit", "marker", "tags", "tags-any", "not-tags", "not-tags-any", "changes-before", "locked",
        "block_device_mapping", "services", "metadata", "pci_devices", "security_groups", "info_cache", "system_metadata",
    ]
    /// Sort keys LUC orders by (Nova's valid keys it has values for).
    static let sortKeys: Set<String> = [
        "created_at", "updated_at", "display_name", "uuid", "launched_at", "terminated_at", "vm_state", "task_state",
        "power_state", "availability_zone", "host", "node", "project_id", "user_id", "key_name", "hostname",
        "display_description", "launch_index", "image_ref", "access_ip_v4", "access_ip_v6", "locked", "progress",
    ]
    /// Nova's other valid sort keys: accepted, and ordered as if equal.
    static let otherSortKeys: Set<String> = [
        "auto_disk_config", "config_drive", "instance_type_id", "kernel_id", "ramdisk_id", "root_device_name", "locked_by",
    ]

    /// - Parameter isAdmin: below 2.38 an unknown status is 400 for admins and an empty listing
    ///   for others; filters non-admins may not use are ignored, as Nova does.
    static func parse(_ q: Query, isAdmin: Bool, version: APIVersion) throws -> ServerQuery {
        let strict = ComputeFeature.strictQuery.served(at: version)
        if strict, let unknown = q.pairs.map(\.0).first(where: { !known.contains($0) }) {
            throw APIError.badRequest("Invalid input for query parameters \(unknown). Additional properties are not allowed ('\(unknown)' was unexpected)")
        }
        let joined = ["block_device_mapping", "services", "metadata", "pci_devices", "security_groups", "info_cache", "system_metadata"]
        if let bad = joined.first(where: { q[$0] != nil }) {
            throw APIError.badRequest("Invalid filter field: \(bad).")
        }
        var statuses: Set<ServerStatus>? = nil
        if let text = q["status"] {
            var parsed: Set<ServerStatus> = []
            for word in text.split(separator: ",") {
                guard let status = ServerStatus(rawValue: word.uppercased()) else {
                    if isAdmin || ComputeFeature.statusFilterStrict.served(at: version) { throw APIError.badRequest("Invalid status value") }
                    parsed = []  // nothing can match
                    break
                }
                parsed.insert(status)
            }
            statuses = parsed
        }
        let everyone = isAdmin || ComputeFeature.moreFiltersForEveryone.served(at: version)
        func list(_ name: String) -> [String]? {
            guard ComputeFeature.tags.served(at: version), let text = q[name] else { return nil }
            return text.split(separator: ",").map(String.init)
        }
        func enumValue<T>(_ name: String, _ make: (String) -> T?) throws -> T? {
            guard everyone, let text = q[name] else { return nil }
            guard let value = make(text) else { throw APIError.badRequest("Invalid value for \(name): \(text)") }
            return value
        }
        var query = ServerQuery(
            name: try (q["name"] ?? q["display_name"]).map { try ServerQuery.NameFilter(pattern: $0) },
            ip: try q["ip"].map { try ServerQuery.NameFilter(pattern: $0) },
            ip6: try (isAdmin || ComputeFeature.ip6FilterForEveryone.served(at: version) ? q["ip6"] : nil)
                .map { try ServerQuery.NameFilter(pattern: $0) },
            statuses: statuses,
            changesSince: try q["changes-since"].map { try parseTime($0, "changes-since") }, host: isAdmin ? q["host"] ?? q["node"] : nil,
            allTenants: try q.bool("all_tenants") ?? (q["all_tenants"] == "" ? true : false),
            projectID: q["project_id"] ?? q["tenant_id"], limit: try q.int("limit"), marker: q["marker"],
            availabilityZone: q["availability_zone"])
        if ComputeFeature.changesBefore.served(at: version) {
            query.changesBefore = try q["changes-before"].map { try parseTime($0, "changes-before") }
            if let since = query.changesSince, let before = query.changesBefore, before < since {
                throw APIError.badRequest("The value of changes-since must be less than or equal to changes-before.")
            }
        }
        query.tags = list("tags")
        query.tagsAny = list("tags-any")
        query.notTags = list("not-tags")
        query.notTagsAny = list("not-tags-any")
        query.imageID = q["image"] ?? q["image_ref"]
        query.flavorID = q["flavor"]
        if everyone {
            query.userID = q["user_id"]
            query.keyName = q["key_name"]
        }
        query.vmState = try enumValue("vm_state") { VMState(rawValue: $0.lowercased()) }
        query.taskState = try enumValue("task_state") { TaskState(rawValue: $0.lowercased()) }
        query.powerState = try enumValue("power_state") { Int($0).flatMap(PowerState.init(rawValue:)) }
        if ComputeFeature.lockedReason.served(at: version), q["locked"] != nil {
            guard let locked = try? q.bool("locked") else { throw APIError.badRequest("Invalid value for locked: must be a boolean.") }
            query.locked = locked
        }
        query.includeUnreachable = ComputeFeature.downSiteMinimal.served(at: version)
        query.sort = try sort(q, strict: strict)
        return query
    }

    /// `sort_key`/`sort_dir` pairs; Nova's keys LUC has no value for order as equal.
    static func sort(_ q: Query, strict: Bool) throws -> [ServerQuery.SortKey] {
        let keys = q.all("sort_key"), dirs = q.all("sort_dir")
        var result: [ServerQuery.SortKey] = []
        for (index, key) in keys.enumerated() {
            guard sortKeys.contains(key) || otherSortKeys.contains(key) else {
                throw APIError.badRequest("Invalid input for query parameters sort_key. Value: \(key).")
            }
            let dir = index < dirs.count ? dirs[index] : (dirs.last ?? "desc")
            guard dir == "asc" || dir == "desc" else { throw APIError.badRequest("Invalid sort direction: \(dir)") }
            if sortKeys.contains(key) { result.append(ServerQuery.SortKey(field: key, ascending: dir == "asc")) }
        }
        return result
    }

    /// `changes-since` / `changes-before`: ISO 8601, with or without fraction or zone, or a plain date.
    static func parseTime(_ text: String, _ name: String = "changes-since") throws -> Date {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd'T'HH:mm:ss.SSSSSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.SSSSSS",
                       "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        throw APIError.badRequest("Invalid input for \(name) '\(text)': use ISO 8601.")
    }
}

public import CloudModel
public import Foundation

/// Typed filters and paging of a server listing (the API parses the wire strings).
public struct ServerQuery: Sendable {
    /// Names are matched as a regular expression search (Nova's); `exactName` when the pattern
    /// names exactly one name (`^name$`), which the name index answers.
    public struct NameFilter: Sendable {
        public var pattern: String
        public var exactName: String?
        let regex: NSRegularExpression

        /// - Throws: `ControlPlaneError.badRequest` for an invalid regular expression.
        public init(pattern: String) throws {
            self.pattern = pattern
            do { regex = try NSRegularExpression(pattern: pattern) } catch {
                throw ControlPlaneError.badRequest("Invalid regular expression: \(pattern)")
            }
            exactName = Self.exactName(pattern)
        }

        public func matches(_ name: String) -> Bool {
            regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
        }

        /// `^name$` without other regular-expression syntax names exactly one name.
        static func exactName(_ pattern: String) -> String? {
            guard pattern.hasPrefix("^"), pattern.hasSuffix("$"), pattern.count >= 2 else { return nil }
            let inner = pattern.dropFirst().dropLast()
            let special = Set("\\.^$|?*+()[]{}")
            return inner.contains(where: { special.contains($0) }) ? nil : String(inner)
        }
    }

    public var name: NameFilter?
    /// Regular expressions matched against the server's fixed IPv4 / IPv6 addresses.
    public var ip: NameFilter?
    public var ip6: NameFilter?
    /// Only servers in one of these statuses; an empty set matches none (an unknown status asked
    /// by a non-admin, as Nova answers it).
    public var statuses: Set<ServerStatus>?
    public var changesSince: Date?
    public var host: String?
    public var allTenants: Bool
    public var projectID: String?
    public var limit: Int?
    public var marker: String?
    public var availabilityZone: String?
    /// Only servers changed at or before this time (2.66).
    public var changesBefore: Date?
    /// Tag filters (2.26): every one of `tags`, at least one of `tagsAny`, not every one of
    /// `notTags`, none of `notTagsAny`.
    public var tags: [String]?
    public var tagsAny: [String]?
    public var notTags: [String]?
    public var notTagsAny: [String]?
    /// Attribute filters (admins; everyone from 2.83; `locked` from 2.73).
    public var userID: String?
    public var keyName: String?
    public var vmState: VMState?
    public var taskState: TaskState?
    public var powerState: PowerState?
    public var locked: Bool?
    public var imageID: String?
    public var flavorID: String?
    /// The order (Nova's `sort_key`/`sort_dir`); newest first when empty.
    public var sort: [SortKey] = []

    /// One sort key: a Nova field name and its direction.
    public struct SortKey: Sendable, Hashable {
        public var field: String
        public var ascending: Bool
        public init(field: String, ascending: Bool) {
            self.field = field
            self.ascending = ascending
        }
    }

    /// Whether servers of a site that does not answer are named (as UNKNOWN, 2.69) or left out.
    public var includeUnreachable = false

    /// Whether any filter beyond project, zone and paging is set: servers of a cut-off site,
    /// whose attributes are unknown, then match none.
    var filtersAttributes: Bool {
        name != nil || ip != nil || ip6 != nil || statuses != nil || changesSince != nil || changesBefore != nil || host != nil
            || tags != nil || tagsAny != nil || notTags != nil || notTagsAny != nil || userID != nil || keyName != nil
            || vmState != nil || taskState != nil || powerState != nil || locked != nil || imageID != nil || flavorID != nil
    }

    /// `a` before `b` in the query's order (then newest first, then by ID).
    func orders(_ a: Server, before b: Server) -> Bool {
        for key in sort {
            let x = Self.value(a, key.field), y = Self.value(b, key.field)
            if x != y { return key.ascending ? x < y : x > y }
        }
        return (a.createdAt, a.id) > (b.createdAt, b.id)
    }

    /// A server's value for a sort field, as a string that orders as the value does.
    static func value(_ s: Server, _ field: String) -> String {
        func time(_ date: Date?) -> String { date.map { String(format: "%020.6f", $0.timeIntervalSince1970) } ?? "" }
        switch field {
        case "created_at": return time(s.createdAt)
        case "updated_at": return time(s.updatedAt)
        case "launched_at": return time(s.launchedAt)
        case "terminated_at": return time(s.terminatedAt)
        case "display_name": return s.name
        case "uuid": return s.id
        case "vm_state": return s.vmState.rawValue
        case "task_state": return s.taskState?.rawValue ?? ""
        case "power_state": return String(format: "%03d", s.powerState.rawValue)
        case "availability_zone": return s.site
        case "host", "node": return s.hostName ?? ""
        case "project_id": return s.projectID
        case "user_id": return s.userID
        case "key_name": return s.keyName ?? ""
        case "hostname": return s.hostname
        case "display_description": return s.description ?? ""
        case "launch_index": return String(format: "%06d", s.launchIndex)
        case "image_ref": return s.imageID
        case "access_ip_v4": return s.accessIPv4
        case "access_ip_v6": return s.accessIPv6
        case "locked": return s.locked ? "1" : "0"
        case "progress": return s.status == .active ? "100" : "000"
        default: return ""
        }
    }

    /// Whether `server` passes every filter except project, zone and paging.
    func matches(_ server: Server) -> Bool {
        if !filtersAttributes { return true }
        if let name, !name.matches(server.name) { return false }
        let fixed = server.nics.flatMap(\.addresses).map(\.description)
        if let ip, !fixed.contains(where: { !$0.contains(":") && ip.matches($0) }) { return false }
        if let ip6, !fixed.contains(where: { $0.contains(":") && ip6.matches($0) }) { return false }
        if let changesSince, server.updatedAt < changesSince { return false }
        if let changesBefore, server.updatedAt > changesBefore { return false }
        if let statuses, !statuses.contains(server.status) { return false }
        if let tags, !tags.allSatisfy(server.tags.contains) { return false }
        if let tagsAny, !tagsAny.contains(where: server.tags.contains) { return false }
        if let notTags, !notTags.isEmpty, notTags.allSatisfy(server.tags.contains) { return false }
        if let notTagsAny, notTagsAny.contains(where: server.tags.contains) { return false }
        if let userID, server.userID != userID { return false }
        if let keyName, server.keyName != keyName { return false }
        if let vmState, server.vmState != vmState { return false }
        if let taskState, server.taskState != taskState { return false }
        if let powerState, server.powerState != powerState { return false }
        if let locked, server.locked != locked { return false }
        if let imageID, server.imageID != imageID { return false }
        if let flavorID, server.flavor.id != flavorID { return false }
        return true
    }

    public init(name: NameFilter? = nil, ip: NameFilter? = nil, ip6: NameFilter? = nil, statuses: Set<ServerStatus>? = nil, changesSince: Date? = nil, host: String? = nil,
                allTenants: Bool = false, projectID: String? = nil, limit: Int? = nil, marker: String? = nil,
                availabilityZone: String? = nil) {
        self.name = name
        self.ip = ip
        self.ip6 = ip6
        self.statuses = statuses
        self.changesSince = changesSince
        self.host = host
        self.allTenants = allTenants
        self.projectID = projectID
        self.limit = limit
        self.marker = marker
        self.availabilityZone = availabilityZone
    }
}

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

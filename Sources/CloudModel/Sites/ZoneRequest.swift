/// An availability zone as a user writes it at boot: `zone`, `zone:host`, `zone::node` or
/// `zone:host:node` (Nova's forced host and node). Parsed here once, for the API and for the
/// site forwarding alike, so that both send `lyon:host-2` to lyon.
public struct ZoneRequest: Sendable, Hashable {
    /// The zone (site) asked for; nil when empty (`:host` means the default zone).
    public var zone: String?
    /// The host asked for; nil when none. A node, if given, names the host too (one node per host).
    public var host: String?

    public init(zone: String?, host: String? = nil) {
        self.zone = zone
        self.host = host
    }

    public init(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        zone = parts[0].isEmpty ? nil : parts[0]
        let host = parts.count > 1 ? parts[1] : ""
        let node = parts.count > 2 ? parts[2] : ""
        self.host = !host.isEmpty ? host : (!node.isEmpty ? node : nil)
    }
}

public import CloudModel

/// A namespace of keys: `global`, or one per site (`site/rennes`). A transaction never spans two.
public struct Keyspace: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    public init(name: String) { self.name = name }

    /// Identity, flavors, images, keypairs, quotas, the site registry.
    public static let global = Keyspace(name: "global")

    /// Hosts, servers, claims, instance actions, usage counters and liveness leases of one site.
    public static func site(_ id: Site.ID) -> Keyspace { Keyspace(name: "site/\(id)") }

    public var description: String { name }
}

/// One service in the Keystone catalog: every controller publishes it at its own URL.
public struct CatalogEntry: Sendable, Hashable {
    /// The service type clients look up (`compute`, `block-storage`).
    public var type: String
    /// Older types clients still look up; each is published as an entry of its own (`volumev3`).
    public var aliases: [String]
    /// The service's name (`nova`).
    public var name: String
    /// The endpoint's path below the controller's URL (`/compute/v2.1`).
    public var path: String

    public init(type: String, aliases: [String] = [], name: String, path: String) {
        self.type = type
        self.aliases = aliases
        self.name = name
        self.path = path
    }
}

/// An identity namespace of projects and users. Every cloud has `default` (named `Default`),
/// built in; others are created by admins.
public struct Domain: Sendable, Hashable {
    public typealias ID = String
    public var id: ID
    public var name: String
    public var description: String
    public var enabled: Bool

    public init(id: ID, name: String, description: String = "", enabled: Bool = true) {
        self.id = id
        self.name = name
        self.description = description
        self.enabled = enabled
    }

    public static let `default` = Domain(id: "default", name: "Default", description: "The default domain")
}

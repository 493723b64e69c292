/// An identity namespace. The cloud has one, `default`, named `Default`.
public struct Domain: Sendable, Hashable {
    public var id: String
    public var name: String
    public var enabled: Bool

    public init(id: String, name: String, enabled: Bool = true) {
        self.id = id
        self.name = name
        self.enabled = enabled
    }

    public static let `default` = Domain(id: "default", name: "Default")
}

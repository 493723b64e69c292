/// A tenant: owns servers, images and keypairs' quota; users get roles on it.
public struct Project: Sendable, Hashable {
    public typealias ID = String
    public var id: ID
    public var name: String
    public var domainID: String
    public var description: String
    public var enabled: Bool

    public init(id: ID, name: String, domainID: String = "default", description: String = "", enabled: Bool = true) {
        self.id = id
        self.name = name
        self.domainID = domainID
        self.description = description
        self.enabled = enabled
    }
}

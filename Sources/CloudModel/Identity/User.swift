/// A person or service that authenticates with a password.
public struct User: Sendable, Hashable {
    public typealias ID = String
    public var id: ID
    public var name: String
    public var domainID: String
    public var enabled: Bool
    public var email: String?
    public var description: String?
    public var defaultProjectID: String?
    /// The salted slow hash of the password (see `PasswordHash`); never the password.
    public var passwordHash: String

    public init(id: ID, name: String, domainID: String = "default", enabled: Bool = true, email: String? = nil,
                description: String? = nil, defaultProjectID: String? = nil, passwordHash: String) {
        self.id = id
        self.name = name
        self.domainID = domainID
        self.enabled = enabled
        self.email = email
        self.description = description
        self.defaultProjectID = defaultProjectID
        self.passwordHash = passwordHash
    }
}

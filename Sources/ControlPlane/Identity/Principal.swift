public import Foundation

/// Who is calling, as proven by a validated token.
public struct Principal: Sendable, Hashable {
    public struct RoleRef: Sendable, Hashable, Codable {
        public var id: String
        public var name: String

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    public var userID: String
    public var userName: String
    public var domainID: String
    /// The project the token is scoped to; nil for an unscoped token.
    public var projectID: String?
    public var projectName: String?
    /// The domain of the scoped project.
    public var projectDomainID: String?
    /// The domain a domain-scoped token is scoped to.
    public var scopeDomainID: String?
    public var scopeDomainName: String?
    /// Whether the token is system-scoped.
    public var systemScope = false
    public var roles: [RoleRef]
    public var methods: [String]
    public var issuedAt: Date
    public var expiresAt: Date
    public var auditIDs: [String]

    public init(userID: String, userName: String, domainID: String, projectID: String?, projectName: String?, roles: [RoleRef],
                methods: [String], issuedAt: Date, expiresAt: Date, auditIDs: [String]) {
        self.userID = userID
        self.userName = userName
        self.domainID = domainID
        self.projectID = projectID
        self.projectName = projectName
        self.roles = roles
        self.methods = methods
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.auditIDs = auditIDs
    }

    public var isAdmin: Bool { roles.contains { $0.name == "admin" } }
    public var roleNames: [String] { roles.map(\.name) }
    /// True when the token allows changes (member or admin), not only reads.
    public var canWrite: Bool { roles.contains { $0.name == "admin" || $0.name == "member" } }
}

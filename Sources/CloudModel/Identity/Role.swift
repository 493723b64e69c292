/// A named set of rights. The cloud knows `admin`, `member` and `reader`.
public struct Role: Sendable, Hashable {
    public typealias ID = String
    public var id: ID
    public var name: String

    public init(id: ID, name: String) {
        self.id = id
        self.name = name
    }

    public static let builtIn = ["admin", "member", "reader"]
}

/// A role a user holds on a project (or on the whole system when `projectID` is nil).
public struct RoleAssignment: Sendable, Hashable {
    public var userID: User.ID
    public var projectID: Project.ID?
    public var roleID: Role.ID

    public init(userID: User.ID, projectID: Project.ID?, roleID: Role.ID) {
        self.userID = userID
        self.projectID = projectID
        self.roleID = roleID
    }
}

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

/// What a role is held on: a project, a domain, or the whole system.
public enum AssignmentScope: Sendable, Hashable {
    case project(Project.ID)
    case domain(Domain.ID)
    case system
}

/// A role a user holds on a project, a domain or the system.
public struct RoleAssignment: Sendable, Hashable {
    public var userID: User.ID
    public var scope: AssignmentScope
    public var roleID: Role.ID

    public init(userID: User.ID, scope: AssignmentScope, roleID: Role.ID) {
        self.userID = userID
        self.scope = scope
        self.roleID = roleID
    }

    /// A role on `projectID`, or on the system when it is nil.
    public init(userID: User.ID, projectID: Project.ID?, roleID: Role.ID) {
        self.init(userID: userID, scope: projectID.map(AssignmentScope.project) ?? .system, roleID: roleID)
    }

    /// The project, when the role is held on one.
    public var projectID: Project.ID? {
        if case let .project(id) = scope { return id }
        return nil
    }

    /// The domain, when the role is held on one.
    public var domainID: Domain.ID? {
        if case let .domain(id) = scope { return id }
        return nil
    }
}

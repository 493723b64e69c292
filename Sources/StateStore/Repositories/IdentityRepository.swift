public import CloudModel
import Foundation

/// Projects, users, roles and role assignments in `global`.
///
/// Key layout: `projects/<id>`, `users/<id>`, `roles/<id>`, with name indexes
/// `names/project/<domain>/<name>`, `names/user/<domain>/<name>`, `names/role/<name>` holding the ID,
/// `domains/<id>` (created domains; `default` is built in) with `names/domain/<name>`, and
/// `assignments/<user>/<project, "-domain-<id>" or "-system">/<role>` (empty values).
public struct IdentityRepository: Sendable {
    let projects: RecordTable<StoredProject>
    let users: RecordTable<StoredUser>
    let roles: RecordTable<StoredRole>
    let domains: RecordTable<StoredDomain>
    let engine: any KeyValueEngine

    init(engine: any KeyValueEngine) {
        self.engine = engine
        projects = RecordTable(engine: engine, keyspace: .global, prefix: "projects/")
        users = RecordTable(engine: engine, keyspace: .global, prefix: "users/")
        roles = RecordTable(engine: engine, keyspace: .global, prefix: "roles/")
        domains = RecordTable(engine: engine, keyspace: .global, prefix: "domains/")
    }

    // MARK: domains

    public func domain(_ id: Domain.ID) async throws -> Versioned<Domain>? { try await domains.find(id) }

    public func domain(named name: String) async throws -> Versioned<Domain>? {
        guard let id = try await idByName(Self.nameKey("domain", nil, name)) else { return nil }
        return try await domains.find(id)
    }

    public func allDomains() async throws -> [Domain] { try await domains.all().map(\.value) }

    public func stagePut(_ domain: Domain, previous: Versioned<Domain>?, into txn: inout Transaction) {
        domains.stagePut(domain, id: domain.id, expecting: previous?.revision, into: &txn)
        stageName("domain", nil, old: previous?.value.name, new: domain.name, id: domain.id, into: &txn)
    }

    public func stageDelete(_ domain: Versioned<Domain>, into txn: inout Transaction) {
        domains.stageDelete(id: domain.value.id, expecting: domain.revision, into: &txn)
        txn.delete(Self.nameKey("domain", nil, domain.value.name))
    }

    static func nameKey(_ kind: String, _ domain: String?, _ name: String) -> String {
        "names/\(kind)/" + (domain.map { KeyEscaping.escape($0) + "/" } ?? "") + KeyEscaping.escape(name)
    }

    static let systemScope = "-system"

    private func idByName(_ key: String) async throws -> String? {
        try await engine.get(key, in: .global).map { String(decoding: $0.value, as: UTF8.self) }
    }

    // MARK: projects

    public func project(_ id: Project.ID) async throws -> Versioned<Project>? { try await projects.find(id) }

    public func project(named name: String, domain: String) async throws -> Versioned<Project>? {
        guard let id = try await idByName(Self.nameKey("project", domain, name)) else { return nil }
        return try await projects.find(id)
    }

    public func allProjects() async throws -> [Project] { try await projects.all().map(\.value) }

    public func stagePut(_ project: Project, previous: Versioned<Project>?, into txn: inout Transaction) {
        projects.stagePut(project, id: project.id, expecting: previous?.revision, into: &txn)
        stageName("project", project.domainID, old: previous?.value.name, new: project.name, id: project.id, into: &txn)
    }

    public func stageDelete(_ project: Versioned<Project>, into txn: inout Transaction) {
        projects.stageDelete(id: project.value.id, expecting: project.revision, into: &txn)
        txn.delete(Self.nameKey("project", project.value.domainID, project.value.name))
    }

    // MARK: users

    public func user(_ id: User.ID) async throws -> Versioned<User>? { try await users.find(id) }

    public func user(named name: String, domain: String) async throws -> Versioned<User>? {
        guard let id = try await idByName(Self.nameKey("user", domain, name)) else { return nil }
        return try await users.find(id)
    }

    public func allUsers() async throws -> [User] { try await users.all().map(\.value) }

    public func stagePut(_ user: User, previous: Versioned<User>?, into txn: inout Transaction) {
        users.stagePut(user, id: user.id, expecting: previous?.revision, into: &txn)
        stageName("user", user.domainID, old: previous?.value.name, new: user.name, id: user.id, into: &txn)
    }

    public func stageDelete(_ user: Versioned<User>, into txn: inout Transaction) {
        users.stageDelete(id: user.value.id, expecting: user.revision, into: &txn)
        txn.delete(Self.nameKey("user", user.value.domainID, user.value.name))
    }

    // MARK: roles

    public func role(_ id: Role.ID) async throws -> Versioned<Role>? { try await roles.find(id) }

    public func role(named name: String) async throws -> Versioned<Role>? {
        guard let id = try await idByName(Self.nameKey("role", nil, name)) else { return nil }
        return try await roles.find(id)
    }

    public func allRoles() async throws -> [Role] { try await roles.all().map(\.value) }

    public func stageCreate(_ role: Role, into txn: inout Transaction) {
        roles.stagePut(role, id: role.id, expecting: nil, into: &txn)
        stageName("role", nil, old: nil, new: role.name, id: role.id, into: &txn)
    }

    // MARK: assignments

    static let domainScope = "-domain-"

    static func segment(_ scope: AssignmentScope) -> String {
        switch scope {
        case let .project(id): id
        case let .domain(id): domainScope + id
        case .system: systemScope
        }
    }

    static func scope(_ segment: Substring) -> AssignmentScope {
        if segment == systemScope { return .system }
        if segment.hasPrefix(domainScope) { return .domain(String(segment.dropFirst(domainScope.count))) }
        return .project(String(segment))
    }

    static func assignmentKey(_ a: RoleAssignment) -> String {
        "assignments/\(a.userID)/\(segment(a.scope))/\(a.roleID)"
    }

    /// Role IDs `user` holds on `project` (nil: on the system).
    public func roleIDs(user: User.ID, project: Project.ID?) async throws -> [Role.ID] {
        try await roleIDs(user: user, on: project.map(AssignmentScope.project) ?? .system)
    }

    /// Role IDs `user` holds on `scope`.
    public func roleIDs(user: User.ID, on scope: AssignmentScope) async throws -> [Role.ID] {
        let prefix = "assignments/\(user)/\(Self.segment(scope))/"
        return try await engine.scanAll(prefix: prefix, in: .global).map { String($0.key.dropFirst(prefix.count)) }
    }

    /// Every assignment of `user`.
    public func assignments(user: User.ID) async throws -> [RoleAssignment] {
        let prefix = "assignments/\(user)/"
        return try await engine.scanAll(prefix: prefix, in: .global).compactMap {
            let parts = $0.key.dropFirst(prefix.count).split(separator: "/")
            guard parts.count == 2 else { return nil }
            return RoleAssignment(userID: user, scope: Self.scope(parts[0]), roleID: String(parts[1]))
        }
    }

    /// Every assignment of every user.
    public func allAssignments() async throws -> [RoleAssignment] {
        try await engine.scanAll(prefix: "assignments/", in: .global).compactMap {
            let parts = $0.key.dropFirst("assignments/".count).split(separator: "/")
            guard parts.count == 3 else { return nil }
            return RoleAssignment(userID: String(parts[0]), scope: Self.scope(parts[1]), roleID: String(parts[2]))
        }
    }

    public func stageGrant(_ a: RoleAssignment, into txn: inout Transaction) {
        txn.put(Self.assignmentKey(a), Data())
    }

    public func stageRevoke(_ a: RoleAssignment, into txn: inout Transaction) {
        txn.delete(Self.assignmentKey(a))
    }

    private func stageName(_ kind: String, _ domain: String?, old: String?, new: String, id: String,
                           into txn: inout Transaction) {
        guard old != new else { return }
        if let old { txn.delete(Self.nameKey(kind, domain, old)) }
        let key = Self.nameKey(kind, domain, new)
        txn.require(key, at: nil)
        txn.put(key, Data(id.utf8))
    }
}

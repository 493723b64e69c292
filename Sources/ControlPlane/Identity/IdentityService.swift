public import CloudModel
import Foundation
import LUCBase
public import StateStore

/// Keystone's job: passwords to tokens, token validation, and the identity catalogue of
/// projects, users, roles and role assignments.
public struct IdentityService: Sendable {
    /// What a token should be scoped to.
    public enum Scope: Sendable, Hashable {
        case projectID(String)
        case projectName(String, domain: DomainRef)
        /// A domain-scoped token: the roles held on the domain.
        case domain(DomainRef)
        /// A system-scoped token (`{"system": {"all": true}}`): the roles held on the system.
        case system
    }

    /// A domain named by ID or by name.
    public enum DomainRef: Sendable, Hashable {
        case id(String)
        case name(String)
    }

    /// A user named by ID, or by name within a domain.
    public enum UserRef: Sendable, Hashable {
        case id(String)
        case name(String, domain: DomainRef)
    }

    let store: Store
    let codec: TokenCodec
    let revocations: RevocationCache
    let tokenLifetime: Duration
    let clock: any WallClock

    public init(store: Store, codec: TokenCodec, revocations: RevocationCache, tokenLifetime: Duration,
                clock: any WallClock = SystemClock()) {
        self.clock = clock
        self.store = store
        self.codec = codec
        self.revocations = revocations
        self.tokenLifetime = tokenLifetime
    }


    // MARK: tokens

    /// Checks a password and issues a token, scoped when `scope` is given.
    public func authenticate(user ref: UserRef, password: String, scope: Scope?) async throws -> (String, Principal) {
        let denied = ControlPlaneError.unauthorized("The request you have made requires authentication.")
        let found: Versioned<User>?
        switch ref {
        case let .id(id): found = try await store.identity.user(id)
        case let .name(name, domain): found = try await store.identity.user(named: name, domain: try await enabledDomainID(domain))
        }
        guard let user = found?.value, user.enabled, await PasswordHasher.verify(password, against: user.passwordHash) else {
            throw denied
        }
        let now = clock.now()
        var principal = Principal(userID: user.id, userName: user.name, domainID: user.domainID, projectID: nil,
                                  projectName: nil, roles: [], methods: ["password"], issuedAt: now,
                                  expiresAt: now.addingTimeInterval(tokenLifetime.inSeconds),
                                  auditIDs: [Self.newAuditID()])
        if let scope { try await apply(scope, to: &principal) }
        return (try codec.seal(principal), principal)
    }

    /// Issues a token for the holder of `token` with a new scope, keeping its expiry.
    public func rescope(_ token: String, scope: Scope?) async throws -> (String, Principal) {
        var principal = try await validate(token)
        if !principal.methods.contains("token") { principal.methods.append("token") }
        principal.projectID = nil
        principal.projectName = nil
        principal.scopeDomainID = nil
        principal.scopeDomainName = nil
        principal.systemScope = false
        principal.roles = []
        principal.auditIDs = [Self.newAuditID(), principal.auditIDs[0]]
        principal.issuedAt = clock.now()
        if let scope { try await apply(scope, to: &principal) }
        return (try codec.seal(principal), principal)
    }

    private func apply(_ scope: Scope, to principal: inout Principal) async throws {
        let target: AssignmentScope
        var project: Project? = nil, domain: Domain? = nil
        switch scope {
        case let .projectID(id):
            project = try await store.identity.project(id)?.value
        case let .projectName(name, ref):
            project = try await store.identity.project(named: name, domain: try await enabledDomainID(ref))?.value
        case let .domain(ref):
            domain = try? await self.domain(try await enabledDomainID(ref))
        case .system:
            break
        }
        switch scope {
        case .projectID, .projectName:
            guard let project, project.enabled, (try? await self.domain(project.domainID))?.enabled == true else {
                throw ControlPlaneError.unauthorized("User \(principal.userID) has no access to the requested project.")
            }
            target = .project(project.id)
        case .domain:
            guard let domain else { throw ControlPlaneError.unauthorized("User \(principal.userID) has no access to the requested domain.") }
            target = .domain(domain.id)
        case .system:
            target = .system
        }
        let roleIDs = try await store.identity.roleIDs(user: principal.userID, on: target)
        guard !roleIDs.isEmpty else {
            throw ControlPlaneError.unauthorized("User \(principal.userID) has no access to the requested \(project != nil ? "project" : domain != nil ? "domain" : "system").")
        }
        var roles: [Principal.RoleRef] = []
        for id in roleIDs {
            if let role = try await store.identity.role(id)?.value { roles.append(.init(id: role.id, name: role.name)) }
        }
        // `admin` implies `member` implies `reader`, as in Keystone's default role inference.
        let names = Set(roles.map(\.name))
        for implied in ["member", "reader"] where !names.contains(implied) && (names.contains("admin") || (implied == "reader" && names.contains("member"))) {
            if let role = try await store.identity.role(named: implied)?.value { roles.append(.init(id: role.id, name: role.name)) }
        }
        principal.projectID = project?.id
        principal.projectName = project?.name
        principal.projectDomainID = project?.domainID
        principal.scopeDomainID = domain?.id
        principal.scopeDomainName = domain?.name
        principal.systemScope = target == .system
        principal.roles = roles
    }

    /// The principal of a valid, unexpired, unrevoked token.
    public func validate(_ token: String) async throws -> Principal {
        guard let principal = codec.open(token), principal.expiresAt > clock.now(),
              await !revocations.contains(principal.auditIDs)
        else { throw ControlPlaneError.unauthorized("The request you have made requires authentication.") }
        return principal
    }

    /// Revokes `token` everywhere (replicated through `global`).
    public func revoke(_ token: String) async throws {
        let principal = try await validate(token)
        let remaining = max(1, principal.expiresAt.timeIntervalSinceNow)
        try await store.secrets.revoke(auditID: principal.auditIDs[0], for: .seconds(remaining + 60))
        await revocations.insert(principal.auditIDs[0])
    }

    static func newAuditID() -> String {
        Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    // MARK: projects

    public func projects(named name: String? = nil) async throws -> [Project] {
        try await store.identity.allProjects().filter { name == nil || $0.name == name }.sorted { $0.name < $1.name }
    }

    public func project(_ id: String) async throws -> Project {
        guard let project = try await store.identity.project(id)?.value else {
            throw ControlPlaneError.notFound("Could not find project: \(id).")
        }
        return project
    }

    public func createProject(_ project: Project) async throws -> Project {
        guard !project.name.isEmpty, project.name.count <= 64 else {
            throw ControlPlaneError.badRequest("Project name must be 1 to 64 characters.")
        }
        do { _ = try await domain(project.domainID) } catch {
            throw ControlPlaneError.badRequest("Could not find domain: \(project.domainID).")
        }
        var txn = Transaction()
        store.identity.stagePut(project, previous: nil, into: &txn)
        do { try await store.commit(txn, in: .global) } catch let error as StoreError where error.code == .conflict {
            throw ControlPlaneError.conflict("Conflict occurred attempting to store project - Duplicate entry.")
        }
        return project
    }

    public func updateProject(_ id: String, _ change: (inout Project) -> Void) async throws -> Project {
        try await retryOnConflict {
            guard let old = try await store.identity.project(id) else {
                throw ControlPlaneError.notFound("Could not find project: \(id).")
            }
            var new = old.value
            change(&new)
            var txn = Transaction()
            store.identity.stagePut(new, previous: old, into: &txn)
            try await store.commit(txn, in: .global)
            return new
        }
    }

    public func deleteProject(_ id: String) async throws {
        guard let old = try await store.identity.project(id) else {
            throw ControlPlaneError.notFound("Could not find project: \(id).")
        }
        var txn = Transaction()
        store.identity.stageDelete(old, into: &txn)
        try await store.commit(txn, in: .global)
    }

    // MARK: users

    public func users(named name: String? = nil) async throws -> [User] {
        try await store.identity.allUsers().filter { name == nil || $0.name == name }.sorted { $0.name < $1.name }
    }

    public func user(_ id: String) async throws -> User {
        guard let user = try await store.identity.user(id)?.value else {
            throw ControlPlaneError.notFound("Could not find user: \(id).")
        }
        return user
    }

    public func createUser(name: String, password: String?, domainID: String, email: String?, description: String?,
                           defaultProjectID: String?, enabled: Bool) async throws -> User {
        guard !name.isEmpty, name.count <= 255 else { throw ControlPlaneError.badRequest("User name must be 1 to 255 characters.") }
        do { _ = try await domain(domainID) } catch { throw ControlPlaneError.badRequest("Could not find domain: \(domainID).") }
        let user = User(id: ResourceID.makeGlobal().replacingOccurrences(of: "-", with: ""), name: name,
                        domainID: domainID, enabled: enabled, email: email, description: description,
                        defaultProjectID: defaultProjectID,
                        passwordHash: await PasswordHasher.hash(password ?? ResourceID.makeGlobal()))
        var txn = Transaction()
        store.identity.stagePut(user, previous: nil, into: &txn)
        do { try await store.commit(txn, in: .global) } catch let error as StoreError where error.code == .conflict {
            throw ControlPlaneError.conflict("Conflict occurred attempting to store user - Duplicate entry.")
        }
        return user
    }

    public func updateUser(_ id: String, password: String? = nil, _ change: (inout User) -> Void) async throws -> User {
        let hash: String? = if let password { await PasswordHasher.hash(password) } else { nil }
        return try await retryOnConflict {
            guard let old = try await store.identity.user(id) else {
                throw ControlPlaneError.notFound("Could not find user: \(id).")
            }
            var new = old.value
            change(&new)
            if let hash { new.passwordHash = hash }
            var txn = Transaction()
            store.identity.stagePut(new, previous: old, into: &txn)
            try await store.commit(txn, in: .global)
            return new
        }
    }

    /// Changes a user's own password after checking the original.
    public func changePassword(user id: String, original: String, new: String) async throws {
        let user = try await user(id)
        guard await PasswordHasher.verify(original, against: user.passwordHash) else {
            throw ControlPlaneError.unauthorized("Invalid original password.")
        }
        _ = try await updateUser(id, password: new) { _ in }
    }

    public func deleteUser(_ id: String) async throws {
        guard let old = try await store.identity.user(id) else {
            throw ControlPlaneError.notFound("Could not find user: \(id).")
        }
        var txn = Transaction()
        store.identity.stageDelete(old, into: &txn)
        for assignment in try await store.identity.assignments(user: id) { store.identity.stageRevoke(assignment, into: &txn) }
        try await store.commit(txn, in: .global)
    }

    /// Projects on which `user` holds a role.
    public func projects(ofUser user: String) async throws -> [Project] {
        let ids = Set(try await store.identity.assignments(user: user).compactMap(\.projectID))
        var result: [Project] = []
        for id in ids.sorted() { if let p = try await store.identity.project(id)?.value { result.append(p) } }
        return result
    }

    // MARK: roles

    public func roles(named name: String? = nil) async throws -> [Role] {
        try await store.identity.allRoles().filter { name == nil || $0.name == name }.sorted { $0.name < $1.name }
    }

    public func role(_ id: String) async throws -> Role {
        guard let role = try await store.identity.role(id)?.value else {
            throw ControlPlaneError.notFound("Could not find role: \(id).")
        }
        return role
    }

    public func createRole(name: String) async throws -> Role {
        guard !name.isEmpty, name.count <= 255 else { throw ControlPlaneError.badRequest("Role name must be 1 to 255 characters.") }
        let role = Role(id: ResourceID.makeGlobal().replacingOccurrences(of: "-", with: ""), name: name)
        var txn = Transaction()
        store.identity.stageCreate(role, into: &txn)
        do { try await store.commit(txn, in: .global) } catch let error as StoreError where error.code == .conflict {
            throw ControlPlaneError.conflict("Conflict occurred attempting to store role - Duplicate entry.")
        }
        return role
    }

    /// Grants `role` to `user` on `project` (nil: system scope). Idempotent.
    public func grant(role: String, user: String, project: String?) async throws {
        try await grant(role: role, user: user, on: project.map(AssignmentScope.project) ?? .system)
    }

    /// Grants `role` to `user` on a project, a domain or the system. Idempotent.
    public func grant(role: String, user: String, on scope: AssignmentScope) async throws {
        _ = try await self.role(role)
        _ = try await self.user(user)
        switch scope {
        case let .project(id): _ = try await self.project(id)
        case let .domain(id): _ = try await self.domain(id)
        case .system: break
        }
        var txn = Transaction()
        store.identity.stageGrant(RoleAssignment(userID: user, scope: scope, roleID: role), into: &txn)
        try await store.commit(txn, in: .global)
    }

    public func revokeGrant(role: String, user: String, project: String?) async throws {
        try await revokeGrant(role: role, user: user, on: project.map(AssignmentScope.project) ?? .system)
    }

    public func revokeGrant(role: String, user: String, on scope: AssignmentScope) async throws {
        let held = try await store.identity.roleIDs(user: user, on: scope)
        guard held.contains(role) else { throw ControlPlaneError.notFound("Could not find role assignment.") }
        var txn = Transaction()
        store.identity.stageRevoke(RoleAssignment(userID: user, scope: scope, roleID: role), into: &txn)
        try await store.commit(txn, in: .global)
    }

    public func hasGrant(role: String, user: String, project: String?) async throws -> Bool {
        try await hasGrant(role: role, user: user, on: project.map(AssignmentScope.project) ?? .system)
    }

    public func hasGrant(role: String, user: String, on scope: AssignmentScope) async throws -> Bool {
        try await store.identity.roleIDs(user: user, on: scope).contains(role)
    }

    public func assignments(user: String) async throws -> [RoleAssignment] {
        try await store.identity.assignments(user: user)
    }

    /// Filters of Keystone's `GET /v3/role_assignments`.
    public struct AssignmentQuery: Sendable {
        public var userID: String?
        public var roleID: String?
        public var projectID: String?
        /// Assignments on this domain.
        public var domainID: String?
        /// Assignments through a group: none (there are no groups).
        public var groupID: String?
        public var systemScope: Bool
        /// With implied roles expanded (admin implies member implies reader), as Keystone's `effective`.
        public var effective: Bool

        public init(userID: String? = nil, roleID: String? = nil, projectID: String? = nil, domainID: String? = nil,
                    groupID: String? = nil, systemScope: Bool = false, effective: Bool = false) {
            self.userID = userID
            self.roleID = roleID
            self.projectID = projectID
            self.domainID = domainID
            self.groupID = groupID
            self.systemScope = systemScope
            self.effective = effective
        }
    }

    /// The assignments matching `query`. Admins see all; others only their own.
    public func roleAssignments(_ query: AssignmentQuery, by principal: Principal) async throws -> [RoleAssignment] {
        guard principal.isAdmin || query.userID == principal.userID else {
            throw ControlPlaneError.forbidden("You are not authorized to perform the requested action: identity:list_role_assignments.")
        }
        if query.groupID != nil { return [] }
        var found: [RoleAssignment]
        if let user = query.userID { found = try await store.identity.assignments(user: user) } else {
            found = try await store.identity.allAssignments()
        }
        if query.effective {
            let roles = try await store.identity.allRoles()
            let byName = Dictionary(roles.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
            let byID = Dictionary(roles.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            var expanded = Set(found)
            for assignment in found {
                var name = byID[assignment.roleID]
                while let current = name, let implied = Self.implied[current], let id = byName[implied] {
                    expanded.insert(RoleAssignment(userID: assignment.userID, scope: assignment.scope, roleID: id))
                    name = implied
                }
            }
            found = Array(expanded)
        }
        return found.filter { a in
            if let role = query.roleID, a.roleID != role { return false }
            if let project = query.projectID, a.projectID != project { return false }
            if let domain = query.domainID, a.domainID != domain { return false }
            if query.systemScope, a.scope != .system { return false }
            return true
        }.sorted { ($0.userID, $0.projectID ?? $0.domainID ?? "", $0.roleID) < ($1.userID, $1.projectID ?? $1.domainID ?? "", $1.roleID) }
    }

    /// The role each role implies (Keystone's default inference rules).
    static let implied = ["admin": "member", "member": "reader"]
}

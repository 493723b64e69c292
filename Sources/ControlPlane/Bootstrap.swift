public import CloudModel
import Foundation
public import StateStore

/// Creates what a new cloud needs, idempotently: the Default domain's roles, an admin project and
/// user, optionally a demo project and user, the default flavors and the sites.
public enum Bootstrap {
    public struct Account: Sendable {
        public var user: String
        public var password: String
        public var project: String
        public var role: String

        public init(user: String, password: String, project: String, role: String) {
            self.user = user
            self.password = password
            self.project = project
            self.role = role
        }
    }

    public static func ensure(store: Store, sites: [Site], accounts: [Account], flavors: [Flavor] = Flavor.defaults)
        async throws
    {
        let identity = store.identity
        for site in sites where try await store.sites.find(site.id) == nil {
            var txn = Transaction()
            store.sites.stagePut(site, expecting: nil, into: &txn)
            try await commitIgnoringDuplicates(txn, store)
        }
        for name in Role.builtIn where try await identity.role(named: name) == nil {
            var txn = Transaction()
            identity.stageCreate(Role(id: ResourceID.makeGlobal().replacingOccurrences(of: "-", with: ""), name: name), into: &txn)
            try await commitIgnoringDuplicates(txn, store)
        }
        if try await store.flavors.all().isEmpty {
            var txn = Transaction()
            for flavor in flavors { store.flavors.stagePut(flavor, expecting: nil, into: &txn) }
            try await commitIgnoringDuplicates(txn, store)
        }
        for account in accounts {
            var project = try await identity.project(named: account.project, domain: Domain.default.id)?.value
            if project == nil {
                let created = Project(id: ResourceID.makeGlobal().replacingOccurrences(of: "-", with: ""), name: account.project,
                                      description: "\(account.project) project")
                var txn = Transaction()
                identity.stagePut(created, previous: nil, into: &txn)
                try await commitIgnoringDuplicates(txn, store)
                project = try await identity.project(named: account.project, domain: Domain.default.id)?.value
            }
            var user = try await identity.user(named: account.user, domain: Domain.default.id)?.value
            if user == nil {
                let created = User(id: ResourceID.makeGlobal().replacingOccurrences(of: "-", with: ""), name: account.user,
                                   defaultProjectID: project?.id, passwordHash: await PasswordHasher.hash(account.password))
                var txn = Transaction()
                identity.stagePut(created, previous: nil, into: &txn)
                try await commitIgnoringDuplicates(txn, store)
                user = try await identity.user(named: account.user, domain: Domain.default.id)?.value
            }
            guard let project, let user, let role = try await identity.role(named: account.role)?.value else { continue }
            var txn = Transaction()
            identity.stageGrant(RoleAssignment(userID: user.id, projectID: project.id, roleID: role.id), into: &txn)
            if account.role == "admin" {
                // Admins also hold the role on the system and on the default domain (as devstack
                // grants them), for system- and domain-scoped tokens.
                identity.stageGrant(RoleAssignment(userID: user.id, projectID: nil, roleID: role.id), into: &txn)
                identity.stageGrant(RoleAssignment(userID: user.id, scope: .domain(Domain.default.id), roleID: role.id), into: &txn)
            }
            try await store.commit(txn, in: .global)
        }
    }

    /// Another controller bootstrapping at the same time may have written it first: fine.
    private static func commitIgnoringDuplicates(_ txn: Transaction, _ store: Store) async throws {
        do { try await store.commit(txn, in: .global) } catch let error as StoreError where error.code == .conflict {}
    }
}

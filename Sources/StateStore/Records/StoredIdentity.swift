import CloudModel

/// Version 1 of the stored form of a `Project`.
struct StoredProject: Codable {
    var v = 1
    var id: String
    var name: String
    var domain: String
    var desc: String
    var enabled: Bool

    init(_ p: Project) { id = p.id; name = p.name; domain = p.domainID; desc = p.description; enabled = p.enabled }
    var model: Project { Project(id: id, name: name, domainID: domain, description: desc, enabled: enabled) }
}

/// Version 1 of the stored form of a `User`.
struct StoredUser: Codable {
    var v = 1
    var id: String
    var name: String
    var domain: String
    var enabled: Bool
    var email: String?
    var desc: String?
    var project: String?
    var pw: String

    init(_ u: User) {
        id = u.id; name = u.name; domain = u.domainID; enabled = u.enabled; email = u.email; desc = u.description
        project = u.defaultProjectID; pw = u.passwordHash
    }

    var model: User {
        User(id: id, name: name, domainID: domain, enabled: enabled, email: email, description: desc,
             defaultProjectID: project, passwordHash: pw)
    }
}

/// Version 1 of the stored form of a `Role`.
struct StoredRole: Codable {
    var v = 1
    var id: String
    var name: String

    init(_ r: Role) { id = r.id; name = r.name }
    var model: Role { Role(id: id, name: name) }
}

/// Version 1 of the stored form of a `Domain`.
struct StoredDomain: Codable {
    var v = 1
    var id: String
    var name: String
    var desc: String
    var enabled: Bool

    init(_ d: Domain) { id = d.id; name = d.name; desc = d.description; enabled = d.enabled }
    var model: Domain { Domain(id: id, name: name, description: desc, enabled: enabled) }
}

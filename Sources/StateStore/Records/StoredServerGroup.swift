import CloudModel
import Foundation

/// Version 1 of the stored form of a `ServerGroup`.
struct StoredServerGroup: Codable {
    var v = 1
    var id: String
    var name: String
    var project: String
    var user: String
    var policy: String
    var maxPerHost: Int?
    var created: Date

    init(_ g: ServerGroup) {
        id = g.id; name = g.name; project = g.projectID; user = g.userID; policy = g.policy.rawValue
        maxPerHost = g.maxServersPerHost; created = g.createdAt
    }

    var model: ServerGroup {
        ServerGroup(id: id, name: name, projectID: project, userID: user, policy: ServerGroup.Policy(rawValue: policy) ?? .antiAffinity,
                    maxServersPerHost: maxPerHost, createdAt: created)
    }
}

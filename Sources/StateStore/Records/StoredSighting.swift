import CloudModel
import Foundation

/// Version 1 of the stored form of a `ServerSighting`.
struct StoredSighting: Codable {
    var v = 1
    var id: String
    var project: String
    var user: String
    var site: String
    var created: Date
    var flavor: StoredFlavor
    var image: String

    init(_ s: ServerSighting) {
        id = s.id; project = s.projectID; user = s.userID; site = s.site; created = s.createdAt
        flavor = StoredFlavor(s.flavor); image = s.imageID
    }

    var model: ServerSighting {
        ServerSighting(id: id, projectID: project, userID: user, site: site, createdAt: created, flavor: flavor.model, imageID: image)
    }
}

public import Foundation

/// What a site remembers of a server of another site it has seen (booted through it or listed
/// from it), so that it can still name the server while that site is cut off: Nova's minimal
/// view of a server of a down cell (2.69).
public struct ServerSighting: Sendable, Hashable {
    public var id: Server.ID
    public var projectID: String
    public var userID: String
    /// The server's home site, the one that may be cut off.
    public var site: Site.ID
    public var createdAt: Date
    public var flavor: Flavor
    public var imageID: String

    public init(id: Server.ID, projectID: String, userID: String, site: Site.ID, createdAt: Date, flavor: Flavor, imageID: String) {
        self.id = id
        self.projectID = projectID
        self.userID = userID
        self.site = site
        self.createdAt = createdAt
        self.flavor = flavor
        self.imageID = imageID
    }

    public init(_ server: Server) {
        self.init(id: server.id, projectID: server.projectID, userID: server.userID, site: server.site,
                  createdAt: server.createdAt, flavor: server.flavor, imageID: server.imageID)
    }
}

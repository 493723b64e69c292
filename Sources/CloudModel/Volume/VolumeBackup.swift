public import Foundation

/// A full copy of a volume kept at a site's storage, usually another site than the volume's
/// (Cinder's backup): it lives in its own site's keyspace (its ID names that site), so that
/// site alone restores it, also when the volume's site is cut off or gone.
public struct VolumeBackup: Sendable, Hashable {
    public typealias ID = String

    /// Cinder's backup statuses used here; `creating` and `deleting` belong to a task.
    public enum Status: String, Sendable, Hashable {
        case creating, available, deleting, error
        case errorDeleting = "error_deleting"

        public var isTransitional: Bool { self == .creating || self == .deleting }
    }

    public var id: ID
    public var name: String
    public var description: String
    public var projectID: String
    public var userID: String
    /// Where the copy is kept (its availability zone).
    public var site: Site.ID
    /// The volume copied, and its site.
    public var volumeID: Volume.ID
    public var volumeSite: Site.ID
    public var sizeGB: Int
    public var status: Status
    public var metadata: [String: String]
    /// The container name the user gave (kept and shown; the copy is one file here).
    public var container: String?
    /// The controller driving its current task, and when it must be done by.
    public var taskOwner: String?
    public var taskDeadline: Date?
    /// Why its last task failed.
    public var fault: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// When the copied bytes were read from the volume.
    public var dataTimestamp: Date?
    public var revision: Int

    public init(id: ID, name: String, description: String, projectID: String, userID: String, site: Site.ID, volumeID: Volume.ID,
                volumeSite: Site.ID, sizeGB: Int, createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.projectID = projectID
        self.userID = userID
        self.site = site
        self.volumeID = volumeID
        self.volumeSite = volumeSite
        self.sizeGB = sizeGB
        self.status = .creating
        self.metadata = [:]
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.revision = 0
    }
}

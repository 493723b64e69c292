public import Foundation

/// A point-in-time copy of a volume (Cinder's snapshot), kept in the volume's site's storage and
/// keyspace; its ID names that site. New volumes can be made from it at that site.
public struct VolumeSnapshot: Sendable, Hashable {
    public typealias ID = String

    /// Cinder's snapshot statuses used here; `creating` and `deleting` belong to a task.
    public enum Status: String, Sendable, Hashable {
        case creating, available, deleting, error
        case errorDeleting = "error_deleting"

        public var isTransitional: Bool { self == .creating || self == .deleting }
    }

    public var id: ID
    public var name: String
    public var description: String
    public var projectID: String
    /// Who took it (empty in records written before it was kept).
    public var userID: String = ""
    /// The progress a client reported for a snapshot it takes itself (Nova's
    /// `os-update_snapshot_status`), e.g. `80%`; nil for the storage's own snapshots.
    public var progress: String?
    public var site: Site.ID
    public var volumeID: Volume.ID
    public var sizeGB: Int
    public var status: Status
    public var metadata: [String: String]
    public var taskOwner: String?
    public var taskDeadline: Date?
    public var fault: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var revision: Int

    public init(id: ID, name: String, description: String, projectID: String, site: Site.ID, volumeID: Volume.ID, sizeGB: Int,
                createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.projectID = projectID
        self.site = site
        self.volumeID = volumeID
        self.sizeGB = sizeGB
        self.status = .creating
        self.metadata = [:]
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.revision = 0
    }
}

public import Foundation

/// A persistent block device of one site (Cinder's volume): it lives in its home site's keyspace,
/// its ID naming that site, and attaches only to servers of that site.
public struct Volume: Sendable, Hashable {
    public typealias ID = String

    public var id: ID
    public var name: String
    public var description: String
    public var projectID: String
    public var userID: String
    /// Home site (its availability zone); fixed at creation.
    public var site: Site.ID
    public var sizeGB: Int
    public var status: VolumeStatus
    /// The volume type's name.
    public var typeName: String
    public var bootable: Bool
    public var metadata: [String: String]
    /// Where its first bytes came from, if not empty.
    public var source: Source?
    /// The image's properties kept when made from an image (Cinder's `volume_image_metadata`:
    /// `image_id`, `image_name`, formats, sizes, checksum and the image's own properties).
    public var imageMetadata: [String: String] = [:]
    /// Servers it is attached to (at most one: no multiattach).
    public var attachments: [VolumeAttachment]
    /// What the current task wants once done, for tasks that end in more than one way.
    public var pending: PendingChange?
    /// The controller driving its current task, and when it must be done by.
    public var taskOwner: String?
    public var taskDeadline: Date?
    /// Why its last task failed, when status is `error`.
    public var fault: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var revision: Int

    /// Where a volume's initial content comes from.
    public enum Source: Sendable, Hashable {
        case image(String)
        case snapshot(String)
        case volume(ID)
        /// A backup kept at the volume's site (a restore).
        case backup(String)
    }

    /// The change a task in progress is making.
    public enum PendingChange: Sendable, Hashable {
        /// Hot-plug into the server at `device` (status `attaching`).
        case attach(VolumeAttachment)
        /// Unplug from the server (status `detaching`).
        case detach(serverID: String)
        /// Grow to this size (status `extending`).
        case extend(sizeGB: Int)
        /// Take the content of this snapshot of it (status `reverting`).
        case revert(snapshotID: String)
    }

    public init(id: ID, name: String, description: String, projectID: String, userID: String, site: Site.ID, sizeGB: Int,
                typeName: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.projectID = projectID
        self.userID = userID
        self.site = site
        self.sizeGB = sizeGB
        self.status = .creating
        self.typeName = typeName
        self.bootable = false
        self.metadata = [:]
        self.source = nil
        self.attachments = []
        self.pending = nil
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.revision = 0
    }

    /// The attachment to `serverID`, if any.
    public func attachment(to serverID: String) -> VolumeAttachment? {
        attachments.first { $0.serverID == serverID }
    }
}

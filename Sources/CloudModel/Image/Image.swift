public import Foundation

/// A bootable disk image and where its bytes are.
public struct Image: Sendable, Hashable {
    public typealias ID = String

    public enum Status: String, Sendable, Hashable, CaseIterable {
        case queued, saving, active, killed, deleted, deactivated
    }

    public enum Visibility: String, Sendable, Hashable, CaseIterable {
        case `public`, `private`, shared, community
    }

    public var id: ID
    public var name: String
    public var status: Status
    public var visibility: Visibility
    public var diskFormat: String?
    public var containerFormat: String?
    public var minDiskGB: Int
    public var minRamMB: Int
    public var protected: Bool
    public var hidden: Bool
    public var owner: String
    public var tags: [String]
    /// Free-form string properties (Glance's additional properties).
    public var properties: [String: String]
    public var size: Int?
    public var checksum: String?
    public var hashAlgo: String?
    public var hashValue: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// The sites that hold the image's bytes.
    public var locations: [Site.ID]

    public init(id: ID, name: String, visibility: Visibility, diskFormat: String?, containerFormat: String?,
                minDiskGB: Int, minRamMB: Int, protected: Bool, hidden: Bool, owner: String, tags: [String],
                properties: [String: String], createdAt: Date) {
        self.id = id
        self.name = name
        self.status = .queued
        self.visibility = visibility
        self.diskFormat = diskFormat
        self.containerFormat = containerFormat
        self.minDiskGB = minDiskGB
        self.minRamMB = minRamMB
        self.protected = protected
        self.hidden = hidden
        self.owner = owner
        self.tags = tags
        self.properties = properties
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.locations = []
    }

    /// The properties Nova knows as image metadata (`hw_*`, `img_*`, `os_*`, architecture, …),
    /// which a server keeps from its image at boot and shows from 2.98.
    public var standardProperties: [String: String] {
        let named: Set<String> = ["architecture", "hypervisor_type", "hypervisor_version_requires", "vm_mode", "auto_disk_config"]
        return properties.filter { key, _ in
            key.count <= 255 && (named.contains(key) || key.hasPrefix("hw_") || key.hasPrefix("img_") || key.hasPrefix("os_"))
        }
    }

    /// True when a user of `projectID` may see the image.
    public func isVisible(to projectID: String, isAdmin: Bool) -> Bool {
        isAdmin || owner == projectID || visibility == .public || visibility == .community
    }
}

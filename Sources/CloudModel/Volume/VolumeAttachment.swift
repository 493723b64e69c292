public import Foundation

/// A volume attached to a server of its site: the guest device it appears as.
public struct VolumeAttachment: Sendable, Hashable {
    public typealias ID = String
    /// Cinder's attachment ID (a site-scoped ID of the volume's site).
    public var id: ID
    public var serverID: String
    /// `/dev/vdc` and on: `vda` is the image, `vdb` the config drive.
    public var device: String
    /// The host the server runs on, when known.
    public var hostName: String?
    public var attachedAt: Date
    /// Delete the volume with the server (a block device mapping's `delete_on_termination`).
    public var deleteOnTermination: Bool

    public init(id: ID, serverID: String, device: String, hostName: String?, attachedAt: Date, deleteOnTermination: Bool = false) {
        self.id = id
        self.serverID = serverID
        self.device = device
        self.hostName = hostName
        self.attachedAt = attachedAt
        self.deleteOnTermination = deleteOnTermination
    }
}

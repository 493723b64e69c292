/// What a server's views show of one of its volumes (the volume lives at the server's site):
/// kept in the server's record, written in the same transaction as the volume's attachment, so
/// listing servers reads no volume.
public struct ServerVolume: Sendable, Hashable {
    public var volumeID: String
    /// The guest device (`/dev/vdc`).
    public var device: String
    /// The attachment's ID in the volume's record.
    public var attachmentID: String
    /// Deleted with the server.
    public var deleteOnTermination: Bool
    /// The device tag the user gave (2.49), if any.
    public var tag: String?
    /// Nova's block device mapping ID of the attachment (`bdm_uuid`, 2.89).
    public var mappingID: String

    public init(volumeID: String, device: String, attachmentID: String, deleteOnTermination: Bool, tag: String? = nil,
                mappingID: String) {
        self.volumeID = volumeID
        self.device = device
        self.attachmentID = attachmentID
        self.deleteOnTermination = deleteOnTermination
        self.tag = tag
        self.mappingID = mappingID
    }

    /// The first guest device free among `taken`: `vda` is the image's disk and `vdb` the config
    /// drive, so volumes start at `/dev/vdc`.
    public static func nextDevice(after taken: [ServerVolume]) -> String {
        let used = Set(taken.map(\.device))
        for letter in "cdefghijklmnopqrstuvwxyz" where !used.contains("/dev/vd\(letter)") { return "/dev/vd\(letter)" }
        return "/dev/vdz"
    }
}

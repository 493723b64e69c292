/// A volume a server gets at boot (Nova's block device mapping with `destination_type` volume):
/// its root disk (`boot_index` 0: `/dev/vda` instead of a copy of its image on the host), or a
/// data disk. An existing volume is attached when the server is created; a volume from an image,
/// a snapshot or blank is made at the server's site during its boot, under the ID fixed here.
public struct BootVolume: Sendable, Hashable {
    /// What the root volume is made of.
    public enum Source: Sendable, Hashable {
        /// A new volume holding this image.
        case image(String)
        /// A new volume from this snapshot.
        case snapshot(String)
        /// This existing volume.
        case volume(String)
        /// A new empty volume.
        case blank
    }

    public var source: Source
    /// The root volume's ID (the existing volume's, or the one the boot makes).
    public var volumeID: String
    /// Size of a volume the boot makes, in GiB.
    public var sizeGB: Int
    /// The volume type of a volume the boot makes.
    public var typeName: String
    /// Deleted with the server.
    public var deleteOnTermination: Bool

    public init(source: Source, volumeID: String, sizeGB: Int, typeName: String, deleteOnTermination: Bool) {
        self.source = source
        self.volumeID = volumeID
        self.sizeGB = sizeGB
        self.typeName = typeName
        self.deleteOnTermination = deleteOnTermination
    }

    /// Whether the boot makes the volume (it did not exist before).
    public var madeAtBoot: Bool {
        if case .volume = source { return false }
        return true
    }
}

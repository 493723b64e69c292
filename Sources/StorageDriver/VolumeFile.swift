/// A volume as the storage holds it: the file hosts open and its format and virtual size.
public struct VolumeFile: Sendable, Hashable, Codable {
    public var id: String
    /// The path every host of the site sees.
    public var path: String
    /// `qcow2` or `raw`.
    public var format: String
    /// The size the guest sees, in GiB.
    public var sizeGB: Int

    public init(id: String, path: String, format: String, sizeGB: Int) {
        self.id = id
        self.path = path
        self.format = format
        self.sizeGB = sizeGB
    }
}

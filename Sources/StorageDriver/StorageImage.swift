/// An image's bytes as the site's image service holds them: what a volume made from an image is
/// a copy of. The file is immutable while the image exists (Glance images never change bytes).
public struct StorageImage: Sendable, Hashable {
    /// The image's ID: the key of the storage's own copy, made once per site.
    public var id: String
    /// The bytes on this machine.
    public var path: String
    /// `raw` or `qcow2` (the image's `disk_format`).
    public var format: String

    public init(id: String, path: String, format: String) {
        self.id = id
        self.path = path
        self.format = format
    }
}

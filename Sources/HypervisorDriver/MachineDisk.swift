/// A disk given to a machine besides its image: a volume's file as the host sees it.
public struct MachineDisk: Sendable, Hashable, Codable {
    /// The volume's ID; the guest sees its first 20 characters (dashes removed) as the serial.
    public var id: String
    /// The file on the host (the site's shared storage).
    public var path: String
    /// `raw` or `qcow2`.
    public var format: String

    public init(id: String, path: String, format: String = "qcow2") {
        self.id = id
        self.path = path
        self.format = format
    }
}

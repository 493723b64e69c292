public import CloudModel
public import StorageDriver

/// The block storage of each site as this controller reaches it: its own site's always; another
/// site's where it is visible from here (one machine, or a shared store and shared storage).
/// Volume work is done by a controller that reaches the volume's storage; requests about a volume
/// of another site are forwarded there when sites are autonomous.
public struct SiteStorage: Sendable {
    private let driver: @Sendable (Site.ID) -> (any StorageDriver)?

    /// - Parameter driver: the storage of a site, or nil when this controller cannot reach it.
    public init(_ driver: @escaping @Sendable (Site.ID) -> (any StorageDriver)?) {
        self.driver = driver
    }

    /// The storage of `site`.
    /// - Throws: `unavailable` when this controller cannot reach it.
    public func driver(for site: Site.ID) throws -> any StorageDriver {
        guard let d = driver(site) else {
            throw ControlPlaneError(.unavailable, "The storage of availability zone \(site) cannot be reached from this controller.")
        }
        return d
    }
}

/// Cinder's volume statuses that this cloud uses. Transitional ones (`creating`, `attaching`,
/// `detaching`, `extending`, `deleting`) belong to a task that a controller of the site drives.
public enum VolumeStatus: String, Sendable, Hashable, CaseIterable {
    case creating
    case available
    /// Held for an attachment about to be made (`os-reserve`).
    case reserved
    case attaching
    case inUse = "in-use"
    case detaching
    case extending
    case deleting
    case error
    case errorDeleting = "error_deleting"
    case errorExtending = "error_extending"

    /// Whether a task is in progress.
    public var isTransitional: Bool {
        switch self {
        case .creating, .attaching, .detaching, .extending, .deleting: true
        default: false
        }
    }
}

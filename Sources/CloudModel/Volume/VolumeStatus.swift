/// Cinder's volume statuses that this cloud uses. Transitional ones (`creating`, `attaching`,
/// `detaching`, `extending`, `reverting`, `deleting`) belong to a task that a controller of the site drives.
public enum VolumeStatus: String, Sendable, Hashable, CaseIterable {
    case creating
    case available
    /// Held for an attachment about to be made (`os-reserve`).
    case reserved
    case attaching
    case inUse = "in-use"
    case detaching
    case extending
    /// Its content being replaced by its latest snapshot's (`revert`, 3.40).
    case reverting
    case deleting
    case error
    case errorDeleting = "error_deleting"
    case errorExtending = "error_extending"

    /// Whether a task is in progress.
    public var isTransitional: Bool {
        switch self {
        case .creating, .attaching, .detaching, .extending, .reverting, .deleting: true
        default: false
        }
    }
}

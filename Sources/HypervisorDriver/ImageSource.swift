public import Foundation

/// Where a host gets the bytes of an image it has not cached yet (for the agent: its site's
/// controllers). Drivers verify what they receive against the returned digest.
public protocol ImageSource: Sendable {
    /// Writes the image's bytes to `file` (created or truncated) and returns their SHA-512 as
    /// the image service recorded it (lowercase hex), or nil when it has none.
    func download(_ imageID: String, to file: URL) async throws -> String?
}

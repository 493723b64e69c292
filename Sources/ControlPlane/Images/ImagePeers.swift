public import CloudModel
public import Foundation

/// Reaches the controllers of other sites for image bytes. Implemented over HTTP by the
/// controller process; absent (nil) in single-site setups.
public protocol ImagePeers: Sendable {
    /// Streams the bytes `site` holds of `imageID` into `file` (created or truncated).
    func download(_ imageID: Image.ID, from site: Site.ID, to file: URL) async throws
}

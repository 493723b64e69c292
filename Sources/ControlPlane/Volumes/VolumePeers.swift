public import CloudModel
public import Foundation

/// Reaches the controllers of other sites for a copy of one of their volumes: a backup's bytes,
/// the only volume bytes that cross the WAN. Implemented over HTTP by the controller process;
/// absent (nil) in single-site setups.
public protocol VolumePeers: Sendable {
    /// Streams a point-in-time copy of `volumeID`, made by `site`'s storage, into `file`
    /// (created or truncated); returns its format (`raw` or `qcow2`).
    func copy(of volumeID: Volume.ID, from site: Site.ID, to file: URL) async throws -> String
}

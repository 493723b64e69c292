public import AgentHTTP
public import CloudModel
public import ControlPlane
public import Foundation
import NIOHTTP1

/// A controller's `VolumePeers`: the live controllers of the volume's site, tried in turn, asked
/// for a copy their storage makes (the bytes of a backup to another site).
public struct HTTPVolumePeers: VolumePeers {
    /// The response header naming the copy's format.
    public static let formatHeader = "X-LUC-Volume-Format"
    let http: InternalHTTP
    let controllers: SiteControllers

    public init(http: InternalHTTP, controllers: SiteControllers) {
        self.http = http
        self.controllers = controllers
    }

    public func copy(of volumeID: Volume.ID, from site: Site.ID, to file: URL) async throws -> String {
        let bases = await controllers.controllers(of: site)
        guard !bases.isEmpty else { throw ControlPlaneError(.unavailable, "site \(site) has no live controller") }
        let headers = try await http.download("/internal/v1/volumes/\(volumeID)/copy", fromFirstOf: bases, to: file)
        return headers.first(name: Self.formatHeader) ?? "raw"
    }
}

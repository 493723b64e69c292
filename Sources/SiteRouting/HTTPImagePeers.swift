public import AgentHTTP
public import CloudModel
public import ControlPlane
public import Foundation

/// A controller's `ImagePeers`: the live controllers of other sites, tried in turn, asked only
/// for bytes they hold themselves (no chains of fetches).
public struct HTTPImagePeers: ImagePeers {
    let http: InternalHTTP
    let controllers: SiteControllers

    public init(http: InternalHTTP, controllers: SiteControllers) {
        self.http = http
        self.controllers = controllers
    }

    public func download(_ imageID: Image.ID, from site: Site.ID, to file: URL) async throws {
        let bases = await controllers.controllers(of: site)
        guard !bases.isEmpty else { throw ControlPlaneError(.unavailable, "site \(site) has no live controller") }
        _ = try await http.download("/internal/v1/images/\(imageID)/file?local=1", fromFirstOf: bases, to: file)
    }
}

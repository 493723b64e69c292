import AgentHTTP
import CloudModel
import ControlPlane
import Foundation

/// A controller's `ImagePeers`: the controllers of other sites, tried in turn, asked only for
/// bytes they hold themselves (no chains of fetches).
public struct HTTPImagePeers: ImagePeers {
    let http: InternalHTTP
    let siteControllers: [String: [String]]

    public init(http: InternalHTTP, siteControllers: [String: [String]]) {
        self.http = http
        self.siteControllers = siteControllers
    }

    public func download(_ imageID: Image.ID, from site: Site.ID, to file: URL) async throws {
        var last: (any Error)?
        for base in siteControllers[site] ?? [] {
            do {
                _ = try await http.download("\(base)/internal/v1/images/\(imageID)/file?local=1", to: file)
                return
            } catch {
                last = error
            }
        }
        throw last ?? ControlPlaneError(.unavailable, "no controller of site \(site) is known")
    }
}

import AgentProtocol
public import Foundation
public import HypervisorDriver
import NIOHTTP1

/// A host's `ImageSource`: the controllers of its site, which fetch the image from other sites
/// when theirs has no copy. The digest comes from the image service's record.
public struct HTTPImageSource: ImageSource {
    let http: InternalHTTP
    let controllers: [String]

    public init(http: InternalHTTP, controllers: [String]) {
        self.http = http
        self.controllers = controllers
    }

    public func download(_ imageID: String, to file: URL) async throws -> String? {
        try await http.download("/internal/v1/images/\(imageID)/file", fromFirstOf: controllers, to: file)
            .first(name: AgentProtocol.imageDigestHeader)
    }
}

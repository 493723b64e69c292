import AgentProtocol
import Foundation
import HypervisorDriver
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
        var last: (any Error)?
        for base in controllers {
            do {
                let headers = try await http.download("\(base)/internal/v1/images/\(imageID)/file", to: file)
                return headers.first(name: AgentProtocol.imageDigestHeader)
            } catch let error as AgentCallError where error.kind == .unreachable {
                last = error
            }
        }
        throw last ?? AgentCallError(kind: .unreachable, message: "no controller")
    }
}

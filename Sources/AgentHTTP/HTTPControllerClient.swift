public import AgentProtocol
import Foundation
import NIOHTTP1
import Synchronization

/// An agent's `ControllerClient` over HTTP: tries the controllers of its site in turn, starting
/// with the last one that answered.
public final class HTTPControllerClient: ControllerClient {
    let http: InternalHTTP
    let controllers: [String]
    private let preferred = Mutex(0)

    public init(http: InternalHTTP, controllers: [String]) {
        precondition(!controllers.isEmpty, "an agent needs at least one controller URL")
        self.http = http
        self.controllers = controllers
    }

    private func withFailover<T>(_ body: (String) async throws -> T) async throws -> T {
        let start = preferred.withLock { $0 }
        var last: (any Error)? = nil
        for offset in 0..<controllers.count {
            let index = (start + offset) % controllers.count
            do {
                let result = try await body(controllers[index])
                preferred.withLock { $0 = index }
                return result
            } catch let error as AgentCallError where error.kind == .unreachable {
                last = error
            }
        }
        throw last ?? AgentCallError(kind: .unreachable, message: "no controller")
    }

    public func register(_ registration: HostRegistration, site: String) async throws -> HostRegistered {
        try await withFailover { base in
            try await http.json(HostRegistered.self, .POST, "\(base)/internal/v1/sites/\(site)/hosts", body: registration)
        }
    }

    public func heartbeat(_ beat: Heartbeat, host: String, site: String) async throws {
        try await withFailover { base in
            let url = "\(base)/internal/v1/sites/\(site)/hosts/\(host)/heartbeat"
            let (status, data) = try await http.call(.PUT, url, body: try JSONEncoder().encode(beat))
            try InternalHTTP.check(status, data, url)
        }
    }

    public func reconcile(_ report: ReconcileReport, host: String, site: String) async throws -> ReconcileOrders {
        try await withFailover { base in
            try await http.json(ReconcileOrders.self, .POST, "\(base)/internal/v1/sites/\(site)/hosts/\(host)/reconcile", body: report)
        }
    }
}

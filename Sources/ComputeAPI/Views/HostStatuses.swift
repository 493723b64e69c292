import CloudModel
import ControlPlane
import OpenStackHTTP
import Scheduling

/// Nova's `host_status` of servers (2.16, admins): `UP`, `DOWN` (its agent's lease is gone),
/// `MAINTENANCE` (the host is disabled), `UNKNOWN` (no such host known), `""` (not placed).
struct HostStatuses {
    let hosts: [ComputeHost.ID: HostSnapshot]

    /// The hosts' states for a request that shows `host_status`, or nil when it shows none.
    static func load(_ cloud: ControlPlane, _ principal: Principal, _ version: APIVersion) async throws -> HostStatuses? {
        guard principal.isAdmin, ComputeFeature.hostStatus.served(at: version) else { return nil }
        let all = try await cloud.hypervisors.everyHost()
        return HostStatuses(hosts: Dictionary(all.map { ($0.host.id, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    func status(of server: Server) -> String {
        guard let id = server.hostID else { return "" }
        guard let host = hosts[id] else { return "UNKNOWN" }
        if !host.host.enabled { return "MAINTENANCE" }
        return host.isUp ? "UP" : "DOWN"
    }
}

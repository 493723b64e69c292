import CloudModel
import ControlPlane
import OpenStackHTTP
import Scheduling

/// Nova's `host_status` of servers (2.16, admins): `UP`, `DOWN` (its agent's lease is gone),
/// `MAINTENANCE` (the host is disabled), `UNKNOWN` (its site does not answer, or no such host),
/// `""` (not placed). Only the sites of the servers shown are read, in parallel and bounded by
/// the site timeout, so a cut-off site never fails a request about other sites' servers.
struct HostStatuses {
    let hosts: [ComputeHost.ID: HostSnapshot]

    /// The hosts' states for a request that shows `host_status` of `servers`, or nil when it shows none.
    static func load(_ cloud: ControlPlane, _ principal: Principal, _ version: APIVersion, for servers: [Server]) async
        -> HostStatuses? {
        guard principal.isAdmin, ComputeFeature.hostStatus.served(at: version) else { return nil }
        let sites = Set(servers.filter { !$0.unreachable && $0.hostID != nil }.map(\.site))
        guard !sites.isEmpty else { return HostStatuses(hosts: [:]) }
        let found = await cloud.hypervisors.hosts(ofSites: sites, timeout: cloud.configuration.siteTimeout)
        return HostStatuses(hosts: Dictionary(found.map { ($0.host.id, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    func status(of server: Server) -> String {
        guard let id = server.hostID else { return "" }
        guard !server.unreachable, let host = hosts[id] else { return "UNKNOWN" }
        if !host.host.enabled { return "MAINTENANCE" }
        return host.isUp ? "UP" : "DOWN"
    }
}

public import CloudModel
public import Foundation
public import StateStore

/// Nova's simple tenant usage: server hours of a project over a period, live and deleted servers.
public struct UsageService: Sendable {
    let store: Store
    let sites: SiteDirectory

    public init(store: Store, sites: SiteDirectory) {
        self.store = store
        self.sites = sites
    }

    /// One server's share of a period.
    public struct ServerUsage: Sendable {
        public var server: Server
        public var startedAt: Date
        public var endedAt: Date?
        public var hours: Double
    }

    /// The usage of `project` between `start` and `end`.
    public func usage(project: String, start: Date, end: Date, by principal: Principal) async throws -> [ServerUsage] {
        guard principal.isAdmin || principal.projectID == project else {
            throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-simple-tenant-usage:show to be performed.")
        }
        guard end > start else { throw ControlPlaneError.badRequest("Invalid start time. The start time cannot occur after the end time.") }
        var servers: [Server] = []
        for site in await sites.all() {
            servers += try await store.servers(site.id).list(project: project, after: nil, limit: Int.max).map(\.value)
            servers += try await store.servers(site.id).deleted(project: project)
        }
        return servers.compactMap { server in
            let began = server.launchedAt ?? server.createdAt
            let ended = server.terminatedAt
            let from = max(began, start), to = min(ended ?? end, end)
            guard to > from else { return nil }
            return ServerUsage(server: server, startedAt: began, endedAt: ended, hours: to.timeIntervalSince(from) / 3600)
        }.sorted { $0.startedAt < $1.startedAt }
    }
}

public import CloudModel
import Logging
public import StateStore

/// Keeps, in this controller's own site keyspace, the IDs (and Nova's minimal fields) of the
/// servers of other sites this site has seen: those booted through it and those its listings
/// read. When a site is cut off, listings and shows at 2.69 and later name its servers from here
/// as `UNKNOWN` instead of losing them.
///
/// Cost: no global write and no periodic read of any site. A boot forwarded here from another
/// site adds one write to that site's keyspace; a listing that reads another site compares with
/// what this site remembers (read once per site and project, then kept in memory) and writes only
/// the difference, in one local transaction. What it cannot know: servers of a project booted
/// elsewhere and never listed from here, and deletions since this site's last listing (such a
/// server shows as UNKNOWN until the site is back).
public actor ServerSightings {
    let store: Store
    let site: Site.ID
    private var known: [String: Set<Server.ID>] = [:]
    private let log = Logger(label: "luc.sightings")

    public init(store: Store, site: Site.ID) {
        self.store = store
        self.site = site
    }

    private static func key(_ site: Site.ID, _ project: String?) -> String { "\(site)|\(project ?? "*")" }

    /// Records servers of another site booted through site `by` (the site that received the request).
    public func recordBoot(_ servers: [Server], seenBy observer: Site.ID) async {
        var txn = Transaction()
        let repo = store.sightings(by: observer)
        for server in servers { repo.stageCreate(ServerSighting(server), into: &txn) }
        do { try await store.commit(txn, in: .site(observer)) } catch {
            log.warning("could not record at \(observer) the servers booted through it: \(error)")
        }
        if observer == site {
            for server in servers { known[Self.key(server.site, server.projectID), default: []].insert(server.id) }
        }
    }

    /// Brings this site's sightings of `remote` for `project` (nil: every project) in line with a
    /// complete listing just read from it.
    func refresh(_ servers: [Server], of remote: Site.ID, project: String?) async {
        guard remote != site else { return }
        let ids = Set(servers.map(\.id))
        if let project, known[Self.key(remote, project)] == ids { return }
        do {
            let stored = try await store.sightings(by: site).list(site: remote, project: project)
            let storedIDs = Set(stored.map(\.value.id))
            var txn = Transaction()
            let repo = store.sightings(by: site)
            for sighting in stored where !ids.contains(sighting.value.id) { repo.stageDelete(sighting, into: &txn) }
            for server in servers where !storedIDs.contains(server.id) { repo.stageCreate(ServerSighting(server), into: &txn) }
            if !txn.isEmpty { try await store.commit(txn, in: .site(site)) }
            if let project { known[Self.key(remote, project)] = ids } else {
                known = known.filter { !$0.key.hasPrefix(remote + "|") }
            }
        } catch {
            // Another controller of this site raced us, or the local store failed: the next listing repairs it.
            known[Self.key(remote, project)] = nil
        }
    }

    /// What this site remembers of the servers of `remote` for `project` (nil: every project).
    func sightings(of remote: Site.ID, project: String?) async -> [ServerSighting] {
        (try? await store.sightings(by: site).list(site: remote, project: project).map(\.value)) ?? []
    }

    /// One server of `remote`, if this site has seen it.
    public func sighting(_ id: Server.ID, of remote: Site.ID, project: String?) async -> ServerSighting? {
        if let project { return try? await store.sightings(by: site).find(site: remote, project: project, id: id)?.value }
        return await sightings(of: remote, project: nil).first { $0.id == id }
    }
}

public import CloudModel

/// The servers of other sites this site has seen, in this site's own keyspace:
/// `seen/<home site>/<project>/<server id>`. Written only by this site's controllers, read only
/// when the home site does not answer.
public struct SightingRepository: Sendable {
    let table: RecordTable<StoredSighting>

    init(engine: any KeyValueEngine, keyspace: Keyspace) {
        table = RecordTable(engine: engine, keyspace: keyspace, prefix: "seen/")
    }

    static func id(_ s: ServerSighting) -> String { "\(s.site)/\(s.projectID)/\(s.id)" }

    /// The sightings of servers of `site`, of `project` or of every project.
    public func list(site: Site.ID, project: String?) async throws -> [Versioned<ServerSighting>] {
        let prefix = table.prefix + site + "/" + (project.map { $0 + "/" } ?? "")
        return try await table.engine.scanAll(prefix: prefix, in: table.keyspace).map(table.decode)
    }

    /// One server's sighting, wherever its project.
    public func find(site: Site.ID, project: String, id: Server.ID) async throws -> Versioned<ServerSighting>? {
        try await table.find("\(site)/\(project)/\(id)")
    }

    public func stageCreate(_ sighting: ServerSighting, into txn: inout Transaction) {
        table.stagePut(sighting, id: Self.id(sighting), expecting: nil, into: &txn)
    }

    public func stageDelete(_ sighting: Versioned<ServerSighting>, into txn: inout Transaction) {
        table.stageDelete(id: Self.id(sighting.value), expecting: sighting.revision, into: &txn)
    }
}

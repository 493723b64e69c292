public import CloudModel
public import Foundation

/// Servers of one site, with their indexes by project, host and name kept in the same transaction.
///
/// Key layout in `site/<id>`:
/// - `servers/<id>`: the record
/// - `idx/project/<project>/<id>`, `idx/host/<host>/<id>`, `idx/name/<project>/<escaped name>/<id>`,
///   `idx/task/<id>` (while an operation is in progress), `idx/group/<group>/<id>`: empty values
/// - `history/<project>/<id>`: the record of a deleted server, kept for usage reports
public struct ServerRepository: Sendable {
    let table: RecordTable<StoredServer>
    let history: RecordTable<StoredServer>

    init(engine: any KeyValueEngine, keyspace: Keyspace, cache: DecodedRecordCache<Server>) {
        table = RecordTable(engine: engine, keyspace: keyspace, prefix: "servers/", cache: cache)
        history = RecordTable(engine: engine, keyspace: keyspace, prefix: "history/")
    }

    private func decode(_ entry: Entry) throws -> Versioned<Server> { try table.decode(entry) }

    static func projectIndex(_ project: String) -> String { "idx/project/\(project)/" }
    static func hostIndex(_ host: String) -> String { "idx/host/\(host)/" }
    static func nameIndex(_ project: String, _ name: String) -> String { "idx/name/\(project)/\(KeyEscaping.escape(name))/" }

    public func find(_ id: Server.ID) async throws -> Versioned<Server>? {
        try await table.engine.get(table.key(id), in: table.keyspace).map(decode)
    }

    public func find(_ ids: [Server.ID]) async throws -> [Versioned<Server>] {
        try await table.engine.getMany(ids.map(table.key), in: table.keyspace).map(decode)
    }

    /// Servers of `project` in ID order, after `marker`.
    public func list(project: String, after marker: Server.ID?, limit: Int) async throws -> [Versioned<Server>] {
        try await listIndexed(Self.projectIndex(project), after: marker, limit: limit)
    }

    /// Servers of `project` named exactly `name`.
    public func list(project: String, named name: String) async throws -> [Versioned<Server>] {
        try await listIndexed(Self.nameIndex(project, name), after: nil, limit: Int.max)
    }

    /// Every server of the site in ID order, after `marker`.
    public func listAll(after marker: Server.ID?, limit: Int) async throws -> [Versioned<Server>] {
        try await table.engine.scan(prefix: table.prefix, after: marker.map(table.key), limit: limit, in: table.keyspace)
            .map(decode)
    }

    /// Servers placed on `host`.
    public func list(host: ComputeHost.ID) async throws -> [Versioned<Server>] {
        try await listIndexed(Self.hostIndex(host), after: nil, limit: Int.max)
    }

    /// Deleted servers of `project` (for usage reports).
    public func deleted(project: String) async throws -> [Server] {
        try await table.engine.scanAll(prefix: history.prefix + project + "/", in: table.keyspace)
            .map { try history.decode($0).value }
    }

    private func listIndexed(_ prefix: String, after marker: String?, limit: Int) async throws -> [Versioned<Server>] {
        let engine = table.engine
        var result: [Versioned<Server>] = []
        var after = marker.map { prefix + $0 }
        while result.count < limit {
            let want = min(limit - result.count, 1000)
            let keys = try await engine.scan(prefix: prefix, after: after, limit: want, in: table.keyspace)
            if keys.isEmpty { break }
            let ids = keys.map { String($0.key.dropFirst(prefix.count)) }
            result += try await find(ids)
            if keys.count < want { break }
            after = keys.last?.key
        }
        return result
    }

    /// Adds the creation of `server` and its index entries to `txn`; fails if the ID exists.
    public func stageCreate(_ server: Server, into txn: inout Transaction) {
        table.stagePut(server, id: server.id, expecting: nil, into: &txn)
        for key in indexKeys(server) { txn.put(key, Data()) }
    }

    /// Adds "replace `old` by `new`" to `txn`, moving index entries whose keys changed.
    public func stageUpdate(_ new: Server, from old: Versioned<Server>, into txn: inout Transaction) {
        table.stagePut(new, id: new.id, expecting: old.revision, into: &txn)
        let before = Set(indexKeys(old.value)), after = Set(indexKeys(new))
        for key in before.subtracting(after) { txn.delete(key) }
        for key in after.subtracting(before) { txn.put(key, Data()) }
    }

    /// Adds the removal of `old` and its index entries to `txn`, keeping it in the history.
    public func stageDelete(_ old: Versioned<Server>, terminatedAt: Date, into txn: inout Transaction) {
        table.stageDelete(id: old.value.id, expecting: old.revision, into: &txn)
        for key in indexKeys(old.value) { txn.delete(key) }
        var gone = old.value
        gone.vmState = .deleted
        gone.taskState = nil
        gone.terminatedAt = terminatedAt
        txn.put(history.key("\(gone.projectID)/\(gone.id)"), RecordCodec.encode(StoredServer(gone)))
    }

    private func indexKeys(_ s: Server) -> [String] {
        var keys = [Self.projectIndex(s.projectID) + s.id, Self.nameIndex(s.projectID, s.name) + s.id]
        if let host = s.hostID { keys.append(Self.hostIndex(host) + s.id) }
        if s.taskState != nil { keys.append(Self.taskIndex + s.id) }
        if let group = s.groupID { keys.append(Self.groupIndex(group) + s.id) }
        return keys
    }

    static let taskIndex = "idx/task/"
    static func groupIndex(_ group: String) -> String { "idx/group/\(group)/" }

    /// The IDs of this site's servers in server group `group`, from the index alone (no record read).
    public func ids(inGroup group: String) async throws -> [Server.ID] {
        let prefix = Self.groupIndex(group)
        return try await table.engine.scanAll(prefix: prefix, in: table.keyspace).map { String($0.key.dropFirst(prefix.count)) }
    }

    /// The servers of this site in server group `group`.
    public func list(group: String) async throws -> [Versioned<Server>] {
        try await listIndexed(Self.groupIndex(group), after: nil, limit: Int.max)
    }

    /// Servers with an operation in progress (the work list of task recovery).
    public func withTasks() async throws -> [Versioned<Server>] {
        try await listIndexed(Self.taskIndex, after: nil, limit: Int.max)
    }
}

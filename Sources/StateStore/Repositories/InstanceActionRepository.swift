public import CloudModel

/// The actions taken on each server of a site: `actions/<server>/<request id>`.
public struct InstanceActionRepository: Sendable {
    let table: RecordTable<StoredInstanceAction>

    init(engine: any KeyValueEngine, keyspace: Keyspace) {
        table = RecordTable(engine: engine, keyspace: keyspace, prefix: "actions/")
    }

    public func list(server: Server.ID) async throws -> [InstanceAction] {
        try await table.engine.scanAll(prefix: table.prefix + server + "/", in: table.keyspace)
            .map { try table.decode($0).value }
            .sorted { $0.startTime < $1.startTime }
    }

    public func find(server: Server.ID, requestID: String) async throws -> Versioned<InstanceAction>? {
        try await table.find("\(server)/\(requestID)")
    }

    /// Adds the recording of `action` (new or updated) to `txn`, without a revision check.
    public func stageRecord(_ action: InstanceAction, into txn: inout Transaction) {
        txn.put(table.key("\(action.serverID)/\(action.requestID)"), RecordCodec.encode(StoredInstanceAction(action)))
    }

    /// Adds the removal of every action of a server to `txn`, given the list read before.
    public func stageForget(_ actions: [InstanceAction], into txn: inout Transaction) {
        for a in actions { txn.delete(table.key("\(a.serverID)/\(a.requestID)")) }
    }
}

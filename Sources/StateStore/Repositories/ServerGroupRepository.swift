public import CloudModel

/// Server groups in `global`: `servergroups/<id>`. Their members are found in each site's
/// server index `idx/group/<group>/<server>` (see `ServerRepository`).
public struct ServerGroupRepository: Sendable {
    let table: RecordTable<StoredServerGroup>

    init(engine: any KeyValueEngine) {
        table = RecordTable(engine: engine, keyspace: .global, prefix: "servergroups/")
    }

    public func find(_ id: ServerGroup.ID) async throws -> Versioned<ServerGroup>? {
        try await table.find(id)
    }

    public func all() async throws -> [ServerGroup] {
        try await table.all().map(\.value)
    }

    public func stageCreate(_ group: ServerGroup, into txn: inout Transaction) {
        table.stagePut(group, id: group.id, expecting: nil, into: &txn)
    }

    public func stageDelete(_ group: Versioned<ServerGroup>, into txn: inout Transaction) {
        table.stageDelete(id: group.value.id, expecting: group.revision, into: &txn)
    }
}

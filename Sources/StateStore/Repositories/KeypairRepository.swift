public import CloudModel

/// Keypairs in `global`, per user: `keypairs/<user>/<escaped name>`.
public struct KeypairRepository: Sendable {
    let table: RecordTable<StoredKeypair>

    init(engine: any KeyValueEngine) {
        table = RecordTable(engine: engine, keyspace: .global, prefix: "keypairs/")
    }

    private func id(_ user: String, _ name: String) -> String { "\(user)/\(KeyEscaping.escape(name))" }

    public func find(user: String, name: String) async throws -> Versioned<Keypair>? {
        try await table.find(id(user, name))
    }

    public func list(user: String) async throws -> [Keypair] {
        try await table.engine.scanAll(prefix: table.prefix + user + "/", in: .global).map { try table.decode($0).value }
    }

    public func stageCreate(_ keypair: Keypair, into txn: inout Transaction) {
        table.stagePut(keypair, id: id(keypair.userID, keypair.name), expecting: nil, into: &txn)
    }

    public func stageDelete(_ keypair: Versioned<Keypair>, into txn: inout Transaction) {
        table.stageDelete(id: id(keypair.value.userID, keypair.value.name), expecting: keypair.revision, into: &txn)
    }
}

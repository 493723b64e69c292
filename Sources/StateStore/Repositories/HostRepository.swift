public import CloudModel
import Foundation

/// Hypervisor hosts of one site and the resources servers claim on them.
///
/// Key layout in `site/<id>`: `hosts/<id>` (record, with the sum of claims), `claims/<host>/<server>`
/// (what one server holds). A claim and the host's totals change in one compare-and-set on the host
/// record, so concurrent schedulers can never overcommit a host.
public struct HostRepository: Sendable {
    let table: RecordTable<StoredHost>

    init(engine: any KeyValueEngine, keyspace: Keyspace) {
        table = RecordTable(engine: engine, keyspace: keyspace, prefix: "hosts/")
    }

    static func claimKey(_ host: ComputeHost.ID, _ server: Server.ID) -> String { "claims/\(host)/\(server)" }

    public func find(_ id: ComputeHost.ID) async throws -> Versioned<ComputeHost>? { try await table.find(id) }

    public func all() async throws -> [Versioned<ComputeHost>] { try await table.all() }

    /// The claims on `host`: server ID and what it holds.
    public func claims(on host: ComputeHost.ID) async throws -> [(server: Server.ID, resources: Resources)] {
        let prefix = "claims/\(host)/"
        return try await table.engine.scanAll(prefix: prefix, in: table.keyspace).map {
            (String($0.key.dropFirst(prefix.count)),
             try RecordCodec.decode(Resources.self, from: $0.value, key: $0.key))
        }
    }

    /// Adds the registration (or re-registration) of `host` to `txn`.
    public func stagePut(_ host: ComputeHost, expecting revision: Int64?, into txn: inout Transaction) {
        table.stagePut(host, id: host.id, expecting: revision, into: &txn)
    }

    /// Adds "`server` claims `resources` on `host`" to `txn`; the commit fails if the host changed.
    public func stageClaim(_ resources: Resources, for server: Server.ID, on host: Versioned<ComputeHost>,
                           into txn: inout Transaction) {
        var updated = host.value
        updated.used = updated.used + resources
        table.stagePut(updated, id: updated.id, expecting: host.revision, into: &txn)
        let claim = Self.claimKey(host.value.id, server)
        txn.require(claim, at: nil)
        txn.put(claim, RecordCodec.encode(resources))
    }

    /// What `server` holds on `host`, if it holds a claim there.
    public func claim(of server: Server.ID, on host: ComputeHost.ID) async throws -> Versioned<Resources>? {
        let key = Self.claimKey(host, server)
        guard let entry = try await table.engine.get(key, in: table.keyspace) else { return nil }
        return Versioned(try RecordCodec.decode(Resources.self, from: entry.value, key: key), revision: entry.revision)
    }

    /// Adds the release of `server`'s `claim` on `host` to `txn`; fails if either changed.
    public func stageRelease(_ claim: Versioned<Resources>, for server: Server.ID, on host: Versioned<ComputeHost>,
                             into txn: inout Transaction) {
        var updated = host.value
        updated.used = updated.used - claim.value
        table.stagePut(updated, id: updated.id, expecting: host.revision, into: &txn)
        let key = Self.claimKey(host.value.id, server)
        txn.require(key, at: claim.revision)
        txn.delete(key)
    }
}

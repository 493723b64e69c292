import Foundation

/// Liveness leases of one site: `leases/<kind>/<id>`, each a key with a time-to-live that its
/// holder renews. A lease that is not renewed disappears, and its holder is presumed dead.
public struct LeaseRepository: Sendable {
    let engine: any KeyValueEngine
    let keyspace: Keyspace

    public enum Kind: String, Sendable { case host = "hosts", controller = "controllers" }

    /// Writes (or renews) the lease of `id` with `payload`, valid for `ttl`.
    public func renew(_ kind: Kind, id: String, payload: String, ttl: Duration) async throws {
        var txn = Transaction()
        txn.put("leases/\(kind.rawValue)/\(id)", Data(payload.utf8), ttl: ttl)
        _ = try await engine.commit(txn, in: keyspace)
    }

    /// Drops the lease of `id` at once (clean shutdown).
    public func release(_ kind: Kind, id: String) async throws {
        var txn = Transaction()
        txn.delete("leases/\(kind.rawValue)/\(id)")
        _ = try await engine.commit(txn, in: keyspace)
    }

    /// The live leases of `kind`: holder ID to payload.
    public func live(_ kind: Kind) async throws -> [String: String] {
        let prefix = "leases/\(kind.rawValue)/"
        let entries = try await engine.scanAll(prefix: prefix, in: keyspace)
        return Dictionary(entries.map { (String($0.key.dropFirst(prefix.count)), String(decoding: $0.value, as: UTF8.self)) },
                          uniquingKeysWith: { a, _ in a })
    }
}

public import Foundation

/// Cloud-wide secrets and token revocations in `global`.
///
/// Key layout: `secrets/<name>` (raw bytes), `revocations/<audit id>` (a lease that lives as long
/// as the revoked token could have).
public struct SecretRepository: Sendable {
    let engine: any KeyValueEngine

    public func secret(_ name: String) async throws -> Data? {
        try await engine.get("secrets/\(name)", in: .global)?.value
    }

    /// Stores `value` under `name` unless one exists; returns the value that is stored afterwards.
    public func createSecret(_ name: String, value: Data) async throws -> Data {
        var txn = Transaction()
        txn.require("secrets/\(name)", at: nil)
        txn.put("secrets/\(name)", value)
        do {
            _ = try await engine.commit(txn, in: .global)
            return value
        } catch let error as StoreError where error.code == .conflict {
            // Someone else created it first; reads may come from a replica that lags the primary.
            for _ in 0..<100 {
                if let existing = try await secret(name) { return existing }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw error
        }
    }

    public func revoke(auditID: String, for ttl: Duration) async throws {
        var txn = Transaction()
        txn.put("revocations/\(auditID)", Data(), ttl: ttl)
        _ = try await engine.commit(txn, in: .global)
    }

    public func revokedAuditIDs() async throws -> Set<String> {
        Set(try await engine.scanAll(prefix: "revocations/", in: .global).map { String($0.key.dropFirst(12)) })
    }
}

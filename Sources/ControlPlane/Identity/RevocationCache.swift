public import Logging
public import StateStore

/// The set of revoked token audit IDs, refreshed from `global` in the background so that token
/// validation never waits for the store. During a partition it keeps the last set it saw.
public actor RevocationCache {
    private var revoked: Set<String> = []
    private let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func contains(_ auditIDs: [String]) -> Bool {
        auditIDs.contains { revoked.contains($0) }
    }

    /// Adds `auditID` locally at once (the store write is the caller's).
    public func insert(_ auditID: String) {
        revoked.insert(auditID)
    }

    public func refresh() async throws {
        revoked = try await store.secrets.revokedAuditIDs()
    }

    /// Refreshes every `interval` until cancelled.
    public func run(every interval: Duration, logger: Logger) async {
        while !Task.isCancelled {
            do { try await refresh() } catch { logger.warning("revocation refresh failed: \(error)") }
            try? await Task.sleep(for: interval)
        }
    }
}

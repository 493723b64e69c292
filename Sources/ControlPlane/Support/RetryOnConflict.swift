import StateStore

/// Runs `body` (read, decide, commit) again while the commit loses a compare-and-set race.
func retryOnConflict<T>(attempts: Int = 20, _ body: () async throws -> T) async throws -> T {
    var attempt = 0
    while true {
        do {
            return try await body()
        } catch let error as StoreError where error.code == .conflict && attempt < attempts {
            attempt += 1
            if attempt > 3 { try await Task.sleep(for: .milliseconds(Int.random(in: 1...(2 * attempt)))) }
        }
    }
}

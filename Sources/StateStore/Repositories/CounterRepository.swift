import Foundation

/// Small monotonically increasing numbers (hypervisor and keypair numbers): `counters/<name>`.
public struct CounterRepository: Sendable {
    let engine: any KeyValueEngine
    let keyspace: Keyspace

    /// The next number of `name`, taken by compare-and-set (retries on conflict).
    public func next(_ name: String) async throws -> Int {
        let key = "counters/\(name)"
        while true {
            let current = try await engine.get(key, in: keyspace)
            let value = (current.flatMap { Int(String(decoding: $0.value, as: UTF8.self)) } ?? 0) + 1
            var txn = Transaction()
            txn.require(key, at: current?.revision)
            txn.put(key, Data(String(value).utf8))
            do {
                _ = try await engine.commit(txn, in: keyspace)
                return value
            } catch let error as StoreError where error.code == .conflict {
                continue
            }
        }
    }
}

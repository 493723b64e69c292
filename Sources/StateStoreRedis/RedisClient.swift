public import NIOCore
import NIOPosix
import StateStore

/// A small pool of pipelined connections to one Redis server, reconnecting on demand. Every
/// failure surfaces as `StoreError.unavailable` (never a hang: each call has a timeout).
public actor RedisClient {
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Parses `redis://host:port` or `host:port`.
        public init?(_ text: String) {
            let bare = text.hasPrefix("redis://") ? String(text.dropFirst(8)) : text
            let trimmed = bare.split(separator: "/").first.map(String.init) ?? bare
            guard let colon = trimmed.lastIndex(of: ":"), let port = Int(trimmed[trimmed.index(after: colon)...]) else { return nil }
            self.init(host: String(trimmed[..<colon]), port: port)
        }

        public var description: String { "redis://\(host):\(port)" }
    }

    let endpoint: Endpoint
    let timeout: TimeAmount
    private var connections: [RedisConnection?]
    private var next = 0
    private let group: any EventLoopGroup

    public init(endpoint: Endpoint, poolSize: Int = 4, timeout: TimeAmount = .seconds(2)) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.connections = Array(repeating: nil, count: max(1, poolSize))
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    private func connection() async throws -> RedisConnection {
        let slot = next
        next = (next + 1) % connections.count
        if let existing = connections[slot], existing.isActive { return existing }
        do {
            let fresh = try await RedisConnection.connect(host: endpoint.host, port: endpoint.port, timeout: timeout, group: group)
            if let raced = connections[slot], raced.isActive {
                fresh.close()
                return raced
            }
            connections[slot] = fresh
            return fresh
        } catch {
            throw StoreError.unavailable("cannot connect to \(endpoint)", cause: error)
        }
    }

    /// Sends commands in one round trip; answers in order. Redis error replies are returned as
    /// `.error` values; transport failures and time-outs throw `StoreError.unavailable`.
    func send(_ commands: [RESPCommand]) async throws -> [RESPValue] {
        let connection = try await connection()
        do {
            return try await connection.send(commands, timeout: timeout)
        } catch {
            throw StoreError.unavailable("\(endpoint) failed: \(error)", cause: error)
        }
    }

    func send(_ command: RESPCommand) async throws -> RESPValue {
        try await send([command])[0]
    }

    public func close() {
        for connection in connections { connection?.close() }
        connections = Array(repeating: nil, count: connections.count)
    }
}

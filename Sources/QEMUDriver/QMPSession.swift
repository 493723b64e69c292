import Foundation
import NIOCore
import NIOPosix

/// One conversation with a machine's QEMU Monitor Protocol socket: the greeting and capability
/// negotiation, then commands one at a time. Events that arrive meanwhile are kept in `events`.
struct QMPSession {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Names of the events seen so far ("DEVICE_DELETED", "SHUTDOWN", …) with their data.
    private(set) var events: [(name: String, data: [String: Any])] = []

    /// Connects to `socket`, runs `body` and closes, all within `timeout`.
    static func with<T: Sendable>(socket: String, timeout: Duration = .seconds(30),
                                  _ body: @Sendable (inout QMPSession) async throws -> T) async throws -> T {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(2))
                .connect(unixDomainSocketPath: socket) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(QMPLineDecoder()))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw QEMUError("cannot connect to QMP at \(socket): \(error)")
        }
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            try? await channel.channel.close()
        }
        defer { watchdog.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            var session = QMPSession(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            _ = try await session.nextMessage()  // {"QMP": {...}}
            _ = try await session.execute("qmp_capabilities")
            return try await body(&session)
        }
    }

    private init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.inbound = inbound
        self.outbound = outbound
    }

    private mutating func nextMessage() async throws -> [String: Any] {
        guard let line = try await inbound.next() else { throw QEMUError("QMP connection closed") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.readableBytesView)) as? [String: Any] else {
            throw QEMUError("malformed QMP message: \(String(buffer: line))")
        }
        return object
    }

    /// Runs `command` and returns its `return` value; a QMP error is thrown with its description.
    @discardableResult
    mutating func execute(_ command: String, _ arguments: [String: Any]? = nil) async throws -> Any {
        var message: [String: Any] = ["execute": command]
        if let arguments { message["arguments"] = arguments }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(UInt8(ascii: "\n"))
        try await outbound.write(ByteBuffer(bytes: data))
        while true {
            let reply = try await nextMessage()
            if let event = reply["event"] as? String {
                events.append((event, reply["data"] as? [String: Any] ?? [:]))
                continue
            }
            if let error = reply["error"] as? [String: Any] {
                throw QEMUError("QMP \(command): \(error["desc"] as? String ?? "\(error)")")
            }
            return reply["return"] ?? [:]
        }
    }

    /// The run state ("running", "paused", "inmigrate", "shutdown", …).
    mutating func status() async throws -> String {
        let reply = try await execute("query-status") as? [String: Any]
        return reply?["status"] as? String ?? "unknown"
    }

    /// Waits for an event named `name` matching `predicate`, polling with `query-status`.
    mutating func waitForEvent(_ name: String, timeout: Duration, where predicate: ([String: Any]) -> Bool = { _ in true })
        async throws
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if events.contains(where: { $0.name == name && predicate($0.data) }) { return }
            try await Task.sleep(for: .milliseconds(50))
            _ = try await execute("query-status")
        }
        throw QEMUError("no \(name) event within \(timeout)")
    }
}

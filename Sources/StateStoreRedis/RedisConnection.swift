import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// One pipelined connection to a Redis server: commands are written in order and answers
/// matched to them in order.
final class RedisConnection: Sendable {
    private final class Handler: ChannelDuplexHandler, @unchecked Sendable {
        typealias InboundIn = RESPValue
        typealias OutboundIn = (RESPCommand, EventLoopPromise<RESPValue>)
        typealias OutboundOut = ByteBuffer

        private var waiting = CircularBuffer<EventLoopPromise<RESPValue>>()

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let (command, answer) = unwrapOutboundIn(data)
            var buffer = context.channel.allocator.buffer(capacity: 64)
            command.write(into: &buffer)
            waiting.append(answer)
            context.write(wrapOutboundOut(buffer), promise: promise)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let value = unwrapInboundIn(data)
            guard let promise = waiting.popFirst() else { return }
            promise.succeed(value)
        }

        func channelInactive(context: ChannelHandlerContext) {
            while let promise = waiting.popFirst() { promise.fail(ChannelError.ioOnClosedChannel) }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            while let promise = waiting.popFirst() { promise.fail(error) }
            context.close(promise: nil)
        }
    }

    let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    static func connect(host: String, port: Int, timeout: TimeAmount, group: any EventLoopGroup) async throws -> RedisConnection {
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPDecoder()))
                    try channel.pipeline.syncOperations.addHandler(Handler())
                }
            }
            .connect(host: host, port: port).get()
        return RedisConnection(channel: channel)
    }

    var isActive: Bool { channel.isActive }

    /// Sends `commands` in one write and returns their answers in order.
    func send(_ commands: [RESPCommand], timeout: TimeAmount) async throws -> [RESPValue] {
        let loop = channel.eventLoop
        let promises = commands.map { _ in loop.makePromise(of: RESPValue.self) }
        let timer = loop.scheduleTask(in: timeout) {
            for promise in promises { promise.fail(RedisTimeout()) }
            self.channel.close(promise: nil)  // answers can no longer be matched: start afresh
        }
        for (command, promise) in zip(commands, promises) {
            channel.write((command, promise), promise: nil)
        }
        channel.flush()
        defer { timer.cancel() }
        var answers: [RESPValue] = []
        answers.reserveCapacity(commands.count)
        for promise in promises { answers.append(try await promise.futureResult.get()) }
        return answers
    }

    func close() {
        channel.close(promise: nil)
    }
}

struct RedisTimeout: Error, CustomStringConvertible {
    var description: String { "Redis did not answer in time" }
}

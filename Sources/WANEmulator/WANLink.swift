import NIOConcurrencyHelpers
public import NIOCore
import NIOPosix

/// A one-way-delay TCP relay standing for the WAN between two sites: everything it carries, in
/// either direction, arrives `delay` (± `jitter`) later, in order. Cut, it carries nothing (as a
/// partition: connections hang, new ones open but stay silent); healed, frozen connections are
/// closed so that clients reconnect.
public final class WANLink: Sendable {
    public let name: String
    public let from: String
    public let to: String
    let target: SocketAddress
    let delay: TimeAmount
    let jitter: TimeAmount
    private let state = NIOLockedValueBox(State())
    private let serverChannel: NIOLockedValueBox<(any Channel)?> = .init(nil)

    struct State {
        var cut = false
        var bytes = 0
        var connections: [ObjectIdentifier: any Channel] = [:]
    }

    public init(name: String, from: String, to: String, target: SocketAddress, delay: TimeAmount, jitter: TimeAmount = .zero) {
        self.name = name
        self.from = from
        self.to = to
        self.target = target
        self.delay = delay
        self.jitter = jitter
    }

    /// Bytes carried so far, both directions.
    public var bytes: Int { state.withLockedValue { $0.bytes } }
    public var isCut: Bool { state.withLockedValue { $0.cut } }

    /// Starts listening on `port` of 127.0.0.1 (0: any); returns the port.
    public func start(port: Int, group: any EventLoopGroup) async throws -> Int {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { inbound in self.accept(inbound) }
            .bind(host: "127.0.0.1", port: port).get()
        serverChannel.withLockedValue { $0 = channel }
        return channel.localAddress?.port ?? port
    }

    public func stop() async {
        let channel = serverChannel.withLockedValue { $0 }
        try? await channel?.close()
        for connection in state.withLockedValue({ Array($0.connections.values) }) { try? await connection.close() }
    }

    /// Cuts (true) or heals (false) the link. Healing closes the connections frozen by the cut.
    public func setCut(_ cut: Bool) {
        let frozen: [any Channel] = state.withLockedValue { state in
            let wasCut = state.cut
            state.cut = cut
            return wasCut && !cut ? Array(state.connections.values) : []
        }
        for channel in frozen { channel.close(promise: nil) }
    }

    private func accept(_ inbound: any Channel) -> EventLoopFuture<Void> {
        let loop = inbound.eventLoop
        let relayIn = Relay(link: self)
        let relayOut = Relay(link: self)
        return inbound.pipeline.addHandler(relayIn).flatMap {
            ClientBootstrap(group: loop)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(5))
                .channelInitializer { $0.pipeline.addHandler(relayOut) }
                .connect(to: self.target)
        }.map { outbound in
            relayIn.peer = outbound
            relayOut.peer = inbound
            self.state.withLockedValue {
                $0.connections[ObjectIdentifier(inbound)] = inbound
                $0.connections[ObjectIdentifier(outbound)] = outbound
            }
            inbound.closeFuture.whenComplete { _ in
                outbound.close(promise: nil)
                self.state.withLockedValue { $0.connections[ObjectIdentifier(inbound)] = nil }
            }
            outbound.closeFuture.whenComplete { _ in
                inbound.close(promise: nil)
                self.state.withLockedValue { $0.connections[ObjectIdentifier(outbound)] = nil }
            }
        }.flatMapErrorThrowing { error in
            inbound.close(promise: nil)
            throw error
        }
    }

    /// Carries `data` to `peer` after the delay, unless the link is cut.
    fileprivate func carry(_ data: ByteBuffer, to peer: any Channel, after last: inout NIODeadline) {
        let cut = state.withLockedValue { state -> Bool in
            if !state.cut { state.bytes += data.readableBytes }
            return state.cut
        }
        guard !cut else { return }
        var wait = delay
        if jitter > .zero { wait = wait + .nanoseconds(Int64.random(in: -jitter.nanoseconds...jitter.nanoseconds)) }
        let due = max(NIODeadline.now() + wait, last)
        last = due
        peer.eventLoop.scheduleTask(deadline: due) {
            peer.writeAndFlush(data, promise: nil)
        }
    }
}

/// One direction of a relayed connection.
private final class Relay: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let link: WANLink
    var peer: (any Channel)?
    var pending: [ByteBuffer] = []
    var last = NIODeadline.now()

    init(link: WANLink) { self.link = link }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let peer else {
            pending.append(buffer)
            return
        }
        for early in pending { link.carry(early, to: peer, after: &last) }
        pending.removeAll()
        link.carry(buffer, to: peer, after: &last)
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer?.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

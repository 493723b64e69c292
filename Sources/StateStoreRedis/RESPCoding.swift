import NIOCore

/// Parses RESP values from a byte stream; returns nil until a whole value is buffered.
struct RESPDecoder: ByteToMessageDecoder {
    typealias InboundOut = RESPValue

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        var copy = buffer
        guard let value = try Self.parse(&copy) else { return .needMoreData }
        buffer = copy
        context.fireChannelRead(wrapInboundOut(value))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    struct ProtocolError: Error {}

    /// Reads a line ending in CRLF (without it), or nil when incomplete.
    private static func line(_ buffer: inout ByteBuffer) -> String? {
        guard let index = buffer.readableBytesView.firstIndex(of: 13) else { return nil }
        let length = index - buffer.readerIndex
        guard buffer.readableBytes >= length + 2 else { return nil }
        let text = buffer.readString(length: length)
        buffer.moveReaderIndex(forwardBy: 2)
        return text
    }

    static func parse(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        guard let type: UInt8 = buffer.readInteger() else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            return line(&buffer).map(RESPValue.simpleString)
        case UInt8(ascii: "-"):
            return line(&buffer).map(RESPValue.error)
        case UInt8(ascii: ":"):
            guard let text = line(&buffer) else { return nil }
            guard let value = Int64(text) else { throw ProtocolError() }
            return .integer(value)
        case UInt8(ascii: "$"):
            guard let text = line(&buffer) else { return nil }
            guard let length = Int(text) else { throw ProtocolError() }
            if length < 0 { return .bulkString(nil) }
            guard buffer.readableBytes >= length + 2, let bytes = buffer.readSlice(length: length) else { return nil }
            buffer.moveReaderIndex(forwardBy: 2)
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            guard let text = line(&buffer) else { return nil }
            guard let count = Int(text) else { throw ProtocolError() }
            if count < 0 { return .array(nil) }
            var items: [RESPValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count {
                guard let item = try parse(&buffer) else { return nil }
                items.append(item)
            }
            return .array(items)
        default:
            throw ProtocolError()
        }
    }
}

/// One command: its arguments as byte strings.
struct RESPCommand: Sendable {
    var arguments: [[UInt8]]

    init(_ arguments: [[UInt8]]) { self.arguments = arguments }
    init(_ arguments: String...) { self.arguments = arguments.map { Array($0.utf8) } }

    func write(into buffer: inout ByteBuffer) {
        buffer.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.count)\r\n")
            buffer.writeBytes(argument)
            buffer.writeString("\r\n")
        }
    }
}

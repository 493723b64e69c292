import NIOCore

/// A value of the Redis serialisation protocol (RESP2).
enum RESPValue: Sendable, Equatable {
    case simpleString(String)
    case error(String)
    case integer(Int64)
    case bulkString(ByteBuffer?)
    case array([RESPValue]?)

    var int: Int64? {
        switch self {
        case let .integer(i): i
        case let .bulkString(b?): Int64(String(buffer: b))
        default: nil
        }
    }

    var bytes: [UInt8]? {
        if case let .bulkString(b?) = self { return Array(b.readableBytesView) }
        if case let .simpleString(s) = self { return Array(s.utf8) }
        return nil
    }

    var string: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    var array: [RESPValue]? { if case let .array(a?) = self { a } else { nil } }

    var isNull: Bool {
        switch self {
        case .bulkString(nil), .array(nil): true
        default: false
        }
    }
}

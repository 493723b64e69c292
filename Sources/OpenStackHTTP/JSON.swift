public import Foundation

/// A JSON value. Responses are built as `JSON` by each API's view functions (objects keep their
/// key order, `null` is explicit), and request bodies are parsed into it before the API's wire
/// types validate them.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])
    /// A value already serialised (views cached as bytes); written out as is.
    case raw([UInt8])

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.int(x), .int(y)): x == y
        case let (.double(x), .double(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.raw(x), .raw(y)): x == y
        default: false
        }
    }

    /// The member `key` of an object (the last one if repeated); nil otherwise.
    public subscript(key: String) -> JSON? {
        guard case let .object(members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    public var string: String? { if case let .string(s) = self { s } else { nil } }
    public var bool: Bool? { if case let .bool(b) = self { b } else { nil } }
    public var isNull: Bool { self == .null }
    public var array: [JSON]? { if case let .array(a) = self { a } else { nil } }
    public var members: [(String, JSON)]? { if case let .object(m) = self { m } else { nil } }

    /// An integer, also from a double with no fraction.
    public var int: Int? {
        switch self {
        case let .int(i): i
        case let .double(d) where d.rounded() == d && abs(d) < 1e15: Int(d)
        default: nil
        }
    }

    public var number: Double? {
        switch self {
        case let .int(i): Double(i)
        case let .double(d): d
        default: nil
        }
    }

    public init(_ value: String?) { self = value.map(JSON.string) ?? .null }
    public init(_ value: Int?) { self = value.map(JSON.int) ?? .null }

    // MARK: parsing

    private struct Node: Decodable {
        let value: JSON
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { value = .null }
            else if let b = try? c.decode(Bool.self) { value = .bool(b) }
            else if let i = try? c.decode(Int.self) { value = .int(i) }
            else if let d = try? c.decode(Double.self) { value = .double(d) }
            else if let s = try? c.decode(String.self) { value = .string(s) }
            else if let a = try? c.decode([Node].self) { value = .array(a.map(\.value)) }
            else if let o = try? c.decode([String: Node].self) { value = .object(o.map { ($0.key, $0.value.value) }.sorted { $0.0 < $1.0 }) }
            else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not JSON") }
        }
    }

    /// Parses `data`; nil when it is not JSON.
    public static func parse(_ data: Data) -> JSON? {
        (try? JSONDecoder().decode(Node.self, from: data))?.value
    }

    // MARK: serialising

    /// The compact UTF-8 encoding.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(to: &out)
        return out
    }

    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: [110, 117, 108, 108])
        case let .bool(b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case let .int(i): out.append(contentsOf: String(i).utf8)
        case let .double(d):
            if d.isFinite { out.append(contentsOf: "\(d)".utf8) }
            else { out.append(contentsOf: [110, 117, 108, 108]) }
        case let .string(s): Self.writeString(s, to: &out)
        case let .array(items):
            out.append(91)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(44) }
                item.write(to: &out)
            }
            out.append(93)
        case let .raw(bytes): out.append(contentsOf: bytes)
        case let .object(members):
            out.append(123)
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(44) }
                Self.writeString(key, to: &out)
                out.append(58)
                value.write(to: &out)
            }
            out.append(125)
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(34)
        let plain: Bool? = s.utf8.withContiguousStorageIfAvailable { buffer in
            guard !buffer.contains(where: { $0 < 32 || $0 == 34 || $0 == 92 }) else { return false }
            out.append(contentsOf: buffer)
            return true
        }
        if plain == true {
            out.append(34)
            return
        }
        for byte in s.utf8 {
            switch byte {
            case 34: out.append(contentsOf: [92, 34])
            case 92: out.append(contentsOf: [92, 92])
            case 10: out.append(contentsOf: [92, 110])
            case 13: out.append(contentsOf: [92, 114])
            case 9: out.append(contentsOf: [92, 116])
            case 0..<32: out.append(contentsOf: [92, 117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(34)
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}

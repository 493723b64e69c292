public import Foundation

/// Encodes and decodes stored records. Records are JSON with short keys and a version field `v`,
/// so that stored data stays compact and can be migrated record by record.
public enum RecordCodec {
    public static func encode<T: Encodable>(_ value: T) -> Data {
        // Encoding a plain Codable struct of strings and numbers cannot fail.
        try! JSONEncoder().encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, key: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw StoreError(code: .corrupt, message: "record at '\(key)' is not a valid \(type)", cause: error)
        }
    }
}

/// A value read from the store with the revision to compare against when writing it back.
public struct Versioned<Value: Sendable>: Sendable {
    public var value: Value
    public var revision: Int64

    public init(_ value: Value, revision: Int64) {
        self.value = value
        self.revision = revision
    }
}

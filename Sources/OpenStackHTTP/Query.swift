/// A parsed URL query string: repeated names keep every value, in order.
public struct Query: Sendable {
    public let pairs: [(String, String)]

    public init(_ raw: String) {
        pairs = raw.split(separator: "&").map { part in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(kv[0]), kv.count > 1 ? decode(kv[1]) : "")
        }
    }

    /// The last value of `name`.
    public subscript(name: String) -> String? { pairs.last { $0.0 == name }?.1 }

    public func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// An integer parameter; 400 when present but not a non-negative integer.
    public func int(_ name: String) throws -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text), value >= 0 else { throw APIError.badRequest("Invalid \(name) '\(text)': expected a non-negative integer.") }
        return value
    }

    /// A boolean parameter in OpenStack's spellings (True/False/1/0/yes/no); nil when absent.
    public func bool(_ name: String) throws -> Bool? {
        guard let text = self[name] else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes", "on", "t", "y": return true
        case "false", "0", "no", "off", "f", "n": return false
        default: throw APIError.badRequest("Invalid \(name) '\(text)': expected a boolean.")
        }
    }
}

import Foundation

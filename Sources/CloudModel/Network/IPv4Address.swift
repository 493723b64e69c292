/// An IPv4 address as a number, parsed from and printed as dotted quads.
public struct IPv4Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    /// `192.168.1.10` → the address; nil for anything else (no leading zeros, four parts, 0–255).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part.count == 1 || part.first != "0", let n = UInt32(part), n <= 255
            else { return nil }
            value = value << 8 | n
        }
        self.value = value
    }

    public var description: String {
        "\(value >> 24).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
    }

    public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
}

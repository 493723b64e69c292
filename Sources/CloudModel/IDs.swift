import Foundation

/// Resource identifiers that carry their home site.
///
/// A site-scoped resource (server, host, port, volume) gets a random version-4 UUID whose last
/// 16 bits hold the index of its home site, so any controller can route a request about it
/// without a lookup and no global write is needed to create one. Global resources use plain UUIDs.
public enum ResourceID {
    /// A new identifier whose home is the site with `siteIndex`.
    public static func make(siteIndex: UInt16) -> String {
        var bytes = UUID().uuid
        bytes.14 = UInt8(siteIndex >> 8)
        bytes.15 = UInt8(siteIndex & 0xff)
        return UUID(uuid: bytes).uuidString.lowercased()
    }

    /// A new identifier for a resource that has no home site.
    public static func makeGlobal() -> String {
        UUID().uuidString.lowercased()
    }

    /// The home site index read from `id`, or nil when `id` is not a UUID.
    public static func siteIndex(of id: String) -> UInt16? {
        guard let uuid = UUID(uuidString: id) else { return nil }
        return UInt16(uuid.uuid.14) << 8 | UInt16(uuid.uuid.15)
    }

    /// True when `id` is a well-formed UUID string (with or without dashes, any case).
    public static func isUUID(_ id: String) -> Bool {
        normalized(id) != nil
    }

    /// The canonical lower-case, dashed form of a UUID string, or nil when it is not one.
    public static func normalized(_ id: String) -> String? {
        if let uuid = UUID(uuidString: id) { return uuid.uuidString.lowercased() }
        if id.count == 32, id.allSatisfy(\.isHexDigit) {
            let chars = Array(id)
            let dashed = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
            return UUID(uuidString: dashed)?.uuidString.lowercased()
        }
        return nil
    }
}

/// Byte-wise key order helpers shared by the engines.
public enum KeyOrder {
    /// The smallest byte string greater than every string that starts with `prefix`, or nil
    /// when there is none (the prefix is all 0xFF bytes, or empty).
    public static func successor(of prefix: [UInt8]) -> [UInt8]? {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xff {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return nil
    }
}

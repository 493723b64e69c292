import Crypto
public import Foundation

/// Digests of whole files, computed off the cooperative pool (`BlockingIO`).
public enum FileDigest {
    /// The file's size and SHA-512 (hex), read in 4 MiB chunks.
    public static func sha512(of url: URL) async throws -> (size: Int, hex: String) {
        try await BlockingIO.run {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            var hash = SHA512()
            var size = 0
            while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
                hash.update(data: chunk)
                size += chunk.count
            }
            return (size, hash.finalize().hexString)
        }
    }
}

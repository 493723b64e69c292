import Crypto
import Foundation
import LUCBase
import _CryptoExtras

/// Salted, slow password hashes: PBKDF2-HMAC-SHA256, stored as `pbkdf2-sha256$rounds$salt$hash`.
/// Deliberately slow (tens of milliseconds of CPU), so it runs on the thread pool (`BlockingIO`),
/// never on the cooperative pool.
public enum PasswordHasher {
    public static let rounds = 60_000

    public static func hash(_ password: String, rounds: Int = rounds) async -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        let derived = await derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(salt.base64EncodedString())$\(derived.base64EncodedString())"
    }

    public static func verify(_ password: String, against stored: String) async -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]),
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3]))
        else { return false }
        let derived = await derive(password, salt: salt, rounds: rounds)
        // Constant-time comparison.
        guard derived.count == expected.count else { return false }
        return zip(derived, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func derive(_ password: String, salt: Data, rounds: Int) async -> Data {
        let derived = try? await BlockingIO.run {
            try KDF.Insecure.PBKDF2.deriveKey(from: Data(password.utf8), salt: salt, using: .sha256,
                                              outputByteCount: 32, unsafeUncheckedRounds: rounds).withUnsafeBytes { Data($0) }
        }
        return derived ?? Data()
    }
}

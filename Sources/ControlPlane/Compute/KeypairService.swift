public import CloudModel
import Crypto
import Foundation
import LUCBase
public import StateStore

/// SSH keypairs of a user: import a public key, or generate an ed25519 pair (the private key is
/// returned once and never stored).
public struct KeypairService: Sendable {
    let store: Store
    let quotas: QuotaService
    let clock: any WallClock

    public init(store: Store, quotas: QuotaService, clock: any WallClock = SystemClock()) {
        self.clock = clock
        self.store = store
        self.quotas = quotas
    }

    /// Whose keypairs a call is about: `user` when given (admins only, as Nova's policy), else the caller's.
    func owner(_ user: String?, _ principal: Principal) throws -> String {
        guard let user, user != principal.userID else { return principal.userID }
        guard principal.isAdmin else {
            throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-keypairs to be performed for another user.")
        }
        return user
    }

    /// Creates a keypair of `type` (ssh by default) for the caller or, for admins, `user`;
    /// returns it and, when generated (ssh only), the private key in OpenSSH format.
    /// - Parameter atAndDot: whether names may hold `@` and `.` (Nova from 2.92).
    public func create(name: String, publicKey: String?, type kind: Keypair.Kind? = nil, forUser user: String? = nil,
                       atAndDot: Bool = true, by principal: Principal) async throws -> (Keypair, String?) {
        let userID = try owner(user, principal)
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: atAndDot ? " ._-@" : " _-"))
        guard !name.isEmpty, name.count <= 255, name.unicodeScalars.allSatisfy({ allowed.contains($0) }),
              name.first != " ", name.last != " "
        else { throw ControlPlaneError.badRequest("Keypair data is invalid: Keypair name contains unsafe characters") }
        let project = principal.projectID ?? ""
        let limit = try await quotas.quota(for: project).keyPairs
        if limit >= 0, try await store.keypairs.list(user: userID).count >= limit {
            throw ControlPlaneError(.overLimit, "Quota exceeded, too many key pairs.")
        }
        var privateKey: String? = nil
        let key: String, fingerprint: String
        switch kind ?? .ssh {
        case .ssh:
            if let publicKey {
                key = publicKey.trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                let generated = Curve25519.Signing.PrivateKey()
                key = Self.openSSHPublicKey(generated.publicKey.rawRepresentation, comment: "Generated-by-LUC")
                privateKey = Self.openSSHPrivateKey(generated, comment: "Generated-by-LUC")
            }
            let (_, blob) = try Self.parse(key)
            fingerprint = Insecure.MD5.hash(data: blob).map { [$0].hexString }.joined(separator: ":")
        case .x509:
            guard let publicKey else {
                throw ControlPlaneError.badRequest("Keypair data is invalid: generating x509 keypairs is not supported here; import a certificate as public_key.")
            }
            key = publicKey.trimmingCharacters(in: .whitespacesAndNewlines)
            // Nova's fingerprint of a certificate: SHA-1 of its DER bytes, colon-separated hex.
            fingerprint = Insecure.SHA1.hash(data: try Self.certificateDER(key)).map { [$0].hexString }.joined(separator: ":")
        }
        let keypair = Keypair(name: name, userID: userID, publicKey: key, fingerprint: fingerprint, type: (kind ?? .ssh).rawValue,
                              createdAt: clock.now(), number: try await store.globalCounters.next("keypairs"))
        var txn = Transaction()
        store.keypairs.stageCreate(keypair, into: &txn)
        do { try await store.commit(txn, in: .global) } catch let error as StoreError where error.code == .conflict {
            throw ControlPlaneError.conflict("Key pair '\(name)' already exists.")
        }
        return (keypair, privateKey)
    }

    /// The keypairs of the caller or, for admins, of `user`, by name.
    public func list(ofUser user: String? = nil, by principal: Principal) async throws -> [Keypair] {
        try await store.keypairs.list(user: try owner(user, principal)).sorted { $0.name < $1.name }
    }

    public func get(_ name: String, ofUser user: String? = nil, by principal: Principal) async throws -> Keypair {
        let userID = try owner(user, principal)
        guard let keypair = try await store.keypairs.find(user: userID, name: name)?.value else {
            throw ControlPlaneError.notFound("Keypair \(name) not found for user \(userID)")
        }
        return keypair
    }

    public func delete(_ name: String, ofUser user: String? = nil, by principal: Principal) async throws {
        let userID = try owner(user, principal)
        guard let keypair = try await store.keypairs.find(user: userID, name: name) else {
            throw ControlPlaneError.notFound("Keypair \(name) not found for user \(userID)")
        }
        var txn = Transaction()
        store.keypairs.stageDelete(keypair, into: &txn)
        try await store.commit(txn, in: .global)
    }

    /// The DER bytes of a PEM certificate; 400 when it is not one.
    static func certificateDER(_ pem: String) throws -> Data {
        let lines = pem.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.first == "-----BEGIN CERTIFICATE-----", lines.last == "-----END CERTIFICATE-----",
              let der = Data(base64Encoded: lines.dropFirst().dropLast().joined()), der.count > 16, der.first == 0x30
        else { throw ControlPlaneError.badRequest("Keypair data is invalid: the public key of an x509 keypair must be a PEM certificate.") }
        return der
    }

    /// The key type and decoded blob of an OpenSSH public key line; 400 when it is not one.
    static func parse(_ line: String) throws -> (String, Data) {
        let invalid = ControlPlaneError.badRequest("Keypair data is invalid: failed to generate fingerprint")
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 2, let blob = Data(base64Encoded: String(parts[1])), blob.count >= 4 else { throw invalid }
        let length = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
        guard length > 0, blob.count >= 4 + length,
              String(decoding: blob[4..<(4 + length)], as: UTF8.self) == parts[0]
        else { throw invalid }
        return (String(parts[0]), blob)
    }

    private static func sshString(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + bytes
    }

    static func openSSHPublicKey(_ raw: Data, comment: String) -> String {
        let blob = sshString(Array("ssh-ed25519".utf8)) + sshString(raw)
        return "ssh-ed25519 \(Data(blob).base64EncodedString()) \(comment)"
    }

    static func openSSHPrivateKey(_ key: Curve25519.Signing.PrivateKey, comment: String) -> String {
        let pub = Array(key.publicKey.rawRepresentation)
        let pubBlob = sshString(Array("ssh-ed25519".utf8)) + sshString(pub)
        let check = UInt32.random(in: 0...UInt32.max)
        let checkBytes = [UInt8(check >> 24), UInt8(check >> 16 & 0xff), UInt8(check >> 8 & 0xff), UInt8(check & 0xff)]
        var section = checkBytes + checkBytes + sshString(Array("ssh-ed25519".utf8)) + sshString(pub)
            + sshString(Array(key.rawRepresentation) + pub) + sshString(Array(comment.utf8))
        var pad: UInt8 = 1
        while section.count % 8 != 0 { section.append(pad); pad += 1 }
        let body = Array("openssh-key-v1".utf8) + [0] + sshString(Array("none".utf8)) + sshString(Array("none".utf8))
            + sshString([UInt8]()) + [0, 0, 0, 1] + sshString(pubBlob) + sshString(section)
        let text = Data(body).base64EncodedString()
        var lines: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let end = text.index(index, offsetBy: 70, limitedBy: text.endIndex) ?? text.endIndex
            lines.append(String(text[index..<end]))
            index = end
        }
        return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + lines.joined(separator: "\n") + "\n-----END OPENSSH PRIVATE KEY-----\n"
    }
}

public import Foundation

/// An SSH public key a user registered, injected into the servers that name it.
public struct Keypair: Sendable, Hashable {
    /// What the key is: an OpenSSH public key, or an X.509 certificate (PEM).
    public enum Kind: String, Sendable, Hashable {
        case ssh, x509
    }

    public var name: String
    public var userID: String
    public var publicKey: String
    public var fingerprint: String
    public var type: String
    public var createdAt: Date
    /// A small integer unique per user, shown as `id` by the 2.1 API.
    public var number: Int

    public init(name: String, userID: String, publicKey: String, fingerprint: String, type: String,
                createdAt: Date, number: Int) {
        self.name = name
        self.userID = userID
        self.publicKey = publicKey
        self.fingerprint = fingerprint
        self.type = type
        self.createdAt = createdAt
        self.number = number
    }
}

import CloudModel
import Foundation

/// Version 1 of the stored form of a `Keypair`.
struct StoredKeypair: Codable {
    var v = 1
    var name: String
    var user: String
    var key: String
    var fp: String
    var type: String
    var created: Date
    var num: Int

    init(_ k: Keypair) {
        name = k.name; user = k.userID; key = k.publicKey; fp = k.fingerprint; type = k.type; created = k.createdAt
        num = k.number
    }

    var model: Keypair {
        Keypair(name: name, userID: user, publicKey: key, fingerprint: fp, type: type, createdAt: created, number: num)
    }
}

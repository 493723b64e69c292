import Crypto
public import Foundation

/// Self-contained tokens: the principal, sealed with AES-256-GCM under the cloud's token key.
///
/// Any controller holding the key validates a token offline (no store read), which keeps sites
/// autonomous under partition. Revocation is checked against `RevocationCache`.
public struct TokenCodec: Sendable {
    private struct Payload: Codable {
        var u: String
        var un: String
        var d: String
        var p: String?
        var pn: String?
        var r: [Principal.RoleRef]
        var m: [String]
        var i: Double
        var e: Double
        var a: [String]
        /// Added within luc1 (absent: the default domain; no domain or system scope).
        var pd: String?
        var sd: String?
        var sdn: String?
        var sy: Bool?
    }

    private let keyData: Data
    private var key: SymmetricKey { SymmetricKey(data: keyData) }
    static let prefix = "luc1"

    public init(keyData: Data) {
        self.keyData = keyData
    }

    public static func newKey() -> Data {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    }

    public func seal(_ p: Principal) throws -> String {
        let payload = Payload(u: p.userID, un: p.userName, d: p.domainID, p: p.projectID, pn: p.projectName, r: p.roles,
                              m: p.methods, i: p.issuedAt.timeIntervalSince1970, e: p.expiresAt.timeIntervalSince1970,
                              a: p.auditIDs, pd: p.projectDomainID, sd: p.scopeDomainID, sdn: p.scopeDomainName,
                              sy: p.systemScope ? true : nil)
        let sealed = try AES.GCM.seal(try JSONEncoder().encode(payload), using: key)
        guard let combined = sealed.combined else { throw ControlPlaneError(.internalError, "cannot seal token") }
        return Self.prefix + combined.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The principal in `token`, or nil when it is not a token sealed with this key.
    /// Expiry is not checked here.
    public func open(_ token: String) -> Principal? {
        guard token.hasPrefix(Self.prefix), token.count < 4096 else { return nil }
        var text = String(token.dropFirst(Self.prefix.count))
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key),
              let p = try? JSONDecoder().decode(Payload.self, from: plain)
        else { return nil }
        var principal = Principal(userID: p.u, userName: p.un, domainID: p.d, projectID: p.p, projectName: p.pn, roles: p.r,
                                  methods: p.m, issuedAt: Date(timeIntervalSince1970: p.i),
                                  expiresAt: Date(timeIntervalSince1970: p.e), auditIDs: p.a)
        principal.projectDomainID = p.pd
        principal.scopeDomainID = p.sd
        principal.scopeDomainName = p.sdn
        principal.systemScope = p.sy ?? false
        return principal
    }
}

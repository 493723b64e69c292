import ControlPlane
import Foundation
import Testing

/// Tokens are sealed principals: readable with the key only, tamper-evident, URL-safe.
@Suite("Token codec")
struct TokenCodecTests {
    let principal = Principal(userID: "u1", userName: "demo", domainID: "default", projectID: "p1", projectName: "demo",
                              roles: [.init(id: "r1", name: "member")], methods: ["password"],
                              issuedAt: Date(timeIntervalSince1970: 1_800_000_000),
                              expiresAt: Date(timeIntervalSince1970: 1_800_003_600), auditIDs: ["a1"])

    @Test func aSealedPrincipalOpensToItself() throws {
        let codec = TokenCodec(keyData: TokenCodec.newKey())
        let token = try codec.seal(principal)
        #expect(token.hasPrefix("luc1"))
        #expect(!token.contains("+") && !token.contains("/") && !token.contains("="), "URL-safe")
        #expect(codec.open(token) == principal)
    }

    @Test func anotherKeyOrATamperedTokenOpensToNothing() throws {
        let codec = TokenCodec(keyData: TokenCodec.newKey())
        let token = try codec.seal(principal)
        #expect(TokenCodec(keyData: TokenCodec.newKey()).open(token) == nil)
        var bytes = Array(token.utf8)
        let middle = bytes.count / 2
        bytes[middle] = bytes[middle] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(codec.open(String(decoding: bytes, as: UTF8.self)) == nil)
        #expect(codec.open("luc1") == nil && codec.open("garbage") == nil)
        #expect(codec.open("luc1" + String(repeating: "A", count: 5000)) == nil)
    }

    @Test func twoSealsOfOnePrincipalDiffer() throws {
        let codec = TokenCodec(keyData: TokenCodec.newKey())
        #expect(try codec.seal(principal) != codec.seal(principal), "a fresh nonce each time")
    }
}

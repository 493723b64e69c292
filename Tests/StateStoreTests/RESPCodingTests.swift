import NIOCore
@testable import StateStoreRedis
import Testing

/// The RESP2 coding of the Redis client, without a server.
@Suite("RESP coding")
struct RESPCodingTests {
    func parse(_ text: String) throws -> RESPValue? {
        var buffer = ByteBuffer(string: text)
        return try RESPDecoder.parse(&buffer)
    }

    @Test func commandsAreArraysOfBulkStrings() {
        var buffer = ByteBuffer()
        RESPCommand("SET", "k", "héllo").write(into: &buffer)
        #expect(String(buffer: buffer) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nhéllo\r\n")
        var binary = ByteBuffer()
        RESPCommand([[0, 13, 10, 255]]).write(into: &binary)
        #expect(Array(binary.readableBytesView) == Array("*1\r\n$4\r\n".utf8) + [0, 13, 10, 255] + [13, 10])
    }

    @Test func everyTypeParses() throws {
        #expect(try parse("+OK\r\n") == .simpleString("OK"))
        #expect(try parse("-ERR wrong\r\n") == .error("ERR wrong"))
        #expect(try parse(":-42\r\n") == .integer(-42))
        #expect(try parse("$-1\r\n") == .bulkString(nil))
        #expect(try parse("*-1\r\n") == .array(nil))
        #expect(try parse("$4\r\na\r\nb\r\n")?.bytes == Array("a\r\nb".utf8), "CRLF inside a bulk string")
        let nested = try parse("*2\r\n:1\r\n*1\r\n$0\r\n\r\n")
        #expect(nested?.array?.first?.int == 1 && nested?.array?.last?.array?.first?.string == "")
    }

    @Test func incompleteValuesWaitForMoreBytesAndConsumeNothing() throws {
        for partial in ["", "+OK", "$5\r\nhel", "*2\r\n:1\r\n", ":12"] {
            var buffer = ByteBuffer(string: partial)
            var copy = buffer
            #expect(try RESPDecoder.parse(&copy) == nil, "\(partial.debugDescription)")
            buffer.moveReaderIndex(forwardBy: 0)
        }
    }

    @Test func garbageIsAProtocolError() {
        #expect(throws: RESPDecoder.ProtocolError.self) { try parse("?what\r\n") }
        #expect(throws: RESPDecoder.ProtocolError.self) { try parse(":notanumber\r\n") }
        #expect(throws: RESPDecoder.ProtocolError.self) { try parse("$x\r\n") }
    }
}

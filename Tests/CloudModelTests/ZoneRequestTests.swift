import CloudModel
import Testing

@Suite("Zone requests")
struct ZoneRequestTests {
    @Test(arguments: [
        ("lyon", "lyon", nil), ("lyon:host-2", "lyon", "host-2"), ("lyon::node-3", "lyon", "node-3"),
        ("lyon:host-2:node-2", "lyon", "host-2"), (":host-2", nil, "host-2"), ("", nil, nil), ("lyon:", "lyon", nil),
    ] as [(String, String?, String?)])
    func parses(_ text: String, _ zone: String?, _ host: String?) {
        #expect(ZoneRequest(parsing: text) == ZoneRequest(zone: zone, host: host))
    }
}

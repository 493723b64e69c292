import CloudModel
import Foundation
import Foundation
import Testing

@Suite("Resource IDs")
struct ResourceIDTests {
    @Test(arguments: [UInt16(0), 1, 4, 255, 256, 65535])
    func siteIndexRoundTrips(_ index: UInt16) {
        let id = ResourceID.make(siteIndex: index)
        #expect(ResourceID.siteIndex(of: id) == index)
        #expect(ResourceID.isUUID(id))
        #expect(id == id.lowercased())
    }

    @Test func nonUUIDsHaveNoSite() {
        #expect(ResourceID.siteIndex(of: "vm1") == nil)
        #expect(ResourceID.normalized("not-a-uuid") == nil)
    }

    @Test func normalizesDashlessAndUpperCase() {
        let id = ResourceID.make(siteIndex: 3)
        #expect(ResourceID.normalized(id.uppercased()) == id)
        #expect(ResourceID.normalized(id.replacingOccurrences(of: "-", with: "")) == id)
    }
}

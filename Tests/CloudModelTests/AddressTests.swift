import CloudModel
import Foundation
import Testing

@Suite("IPv4 addresses, CIDRs and address blocks")
struct AddressTests {
    @Test func parsingAndPrinting() {
        #expect(IPv4Address("10.0.0.1")?.description == "10.0.0.1")
        #expect(IPv4Address("255.255.255.255")?.value == UInt32.max)
        #expect(IPv4Address("0.0.0.0")?.value == 0 && IPv4Address("10.0.255.0")?.description == "10.0.255.0")
        #expect(IPv4Address("192.168.1.10"[...])?.value == 0xC0A8_010A, "a substring parses too")
        for bad in ["10.0.0", "10.0.0.256", "10.0.0.01", "a.b.c.d", "10..0.1", "", "1.2.3.4.5", "1.2.3.", ".1.2.3", " 1.2.3.4", "1.2.3.4 ", "1.2.3.1000", "00.1.2.3"] { #expect(IPv4Address(bad) == nil, "\(bad)") }
        #expect(IPv4CIDR("10.0.0.0/24")?.description == "10.0.0.0/24")
        #expect(IPv4CIDR("10.0.0.1/24") == nil, "host bits set")
        #expect(IPv4CIDR("10.0.0.0/33") == nil && IPv4CIDR("10.0.0.0") == nil && IPv4CIDR("10.0.0.0/x") == nil)
    }

    @Test func randomMACsAreNeutronsPrefixAndLowercaseHex() {
        let macs = (0..<200).map { _ in NetworkPort.randomMAC() }
        for mac in macs {
            #expect(mac.count == 17 && mac.hasPrefix("fa:16:3e:"), "\(mac)")
            #expect(mac.split(separator: ":").allSatisfy { $0.count == 2 && $0.allSatisfy { "0123456789abcdef".contains($0) } }, "\(mac)")
        }
        #expect(Set(macs).count > 190, "random suffixes")
    }

    @Test func rangesAndOverlaps() throws {
        let net = try #require(IPv4CIDR("192.168.1.0/24"))
        #expect(net.hosts.lowerBound.description == "192.168.1.1" && net.hosts.upperBound.description == "192.168.1.254")
        let inside = try #require(IPv4Address("192.168.1.77")), outside = try #require(IPv4Address("192.168.2.1"))
        #expect(net.contains(inside) && !net.contains(outside))
        let wide = try #require(IPv4CIDR("192.168.0.0/16")), beside = try #require(IPv4CIDR("192.168.2.0/24"))
        #expect(net.overlaps(wide) && !net.overlaps(beside))
        let pools = Subnet.defaultPools(net, gateway: IPv4Address("192.168.1.1"))
        let first = try #require(IPv4Address("192.168.1.2")), last = try #require(IPv4Address("192.168.1.254"))
        #expect(pools == [Subnet.Pool(start: first, end: last)])
        let middle = Subnet.defaultPools(net, gateway: IPv4Address("192.168.1.100"))
        #expect(middle.count == 2 && middle.map(\.count).reduce(0, +) == 253)
    }

    @Test func blocksCoverThePoolsOnce() throws {
        let cidr = try #require(IPv4CIDR("10.1.0.0/24"))
        let subnet = Subnet(id: "s", name: "s", projectID: "p", networkID: "n", cidr: cidr, gateway: IPv4Address("10.1.0.1"),
                            pools: Subnet.defaultPools(cidr, gateway: IPv4Address("10.1.0.1")), createdAt: .init())
        let blocks = AddressBlocks(subnet)
        #expect(blocks.addressCount == 253 && blocks.count == 16)
        var seen: Set<IPv4Address> = []
        for index in 0..<blocks.count {
            for address in blocks.addresses(in: index) {
                #expect(seen.insert(address).inserted)
                #expect(blocks.block(of: address) == index)
            }
        }
        let gateway = try #require(IPv4Address("10.1.0.1"))
        #expect(seen.count == 253 && !seen.contains(gateway))
        #expect(blocks.block(of: gateway) == nil, "the gateway is in no pool")
        #expect(blocks.addresses(in: 15).count == 253 - 15 * 16)
        #expect(blocks.count(in: 15) == 253 - 15 * 16 && blocks.count(in: 0) == 16 && blocks.count(in: 16) == 0)
    }

    @Test func blocksGrowWithTheSubnet() throws {
        let sizes = try ["10.0.0.0/28", "10.0.0.0/24", "10.0.0.0/22", "10.0.0.0/21", "10.0.0.0/20", "10.0.0.0/18", "10.0.0.0/16", "10.0.0.0/8"]
            .map { AddressBlocks.size(for: try #require(IPv4CIDR($0))) }
        #expect(sizes == [16, 16, 16, 32, 64, 256, 256, 256])
    }
}

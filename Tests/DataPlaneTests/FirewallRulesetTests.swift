import DataPlane
import Testing

@Suite("Firewall ruleset (nftables script)")
struct FirewallRulesetTests {
    let network = OverlayNetwork(networkID: "5f3b7968-4750-422c-ad63-3e83fb2b6861", vni: 70_000, mtu: 1450)
    let port = PortFilter(portID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", mac: "FA:16:3E:00:00:01", addresses: ["10.0.0.5"],
                          ingress: [FilterRule(proto: "tcp", portMin: 22, portMax: 22, remote: ["0.0.0.0/0"]),
                                    FilterRule(proto: "icmp", portMin: 8, remote: ["10.0.0.7/24"]),
                                    FilterRule(proto: "udp", portMin: 1000, portMax: 2000),
                                    FilterRule(remote: [])],
                          egress: [FilterRule(), FilterRule(family: .ipv6)])

    @Test func replacesBothTablesOfTheNetworkInOneScript() throws {
        let script = try FirewallRuleset.render(network, ports: [port])
        let table = "luc-lb5f3b79684750"
        #expect(script.hasPrefix("table inet \(table) {}\ndelete table inet \(table)\ntable bridge \(table) {}\ndelete table bridge \(table)\n"))
        #expect(script.contains("iifname \"lb5f3b79684750\" ct zone set \(70_000 % 65_535 + 1)"))
        #expect(script.contains("iifname != \"lb5f3b79684750\" accept"))
        #expect(script.contains("ct state established,related accept"))
    }

    @Test func antiSpoofingPinsTheTapToItsMACAndAddresses() throws {
        let script = try FirewallRuleset.render(network, ports: [port])
        #expect(script.contains("iifname \"lt0a1b2c3d4e5f\" ether saddr != fa:16:3e:00:00:01 drop"))
        #expect(script.contains("iifname \"lt0a1b2c3d4e5f\" ether type ip ip saddr != { 10.0.0.5 } drop"))
        #expect(script.contains("iifname \"lt0a1b2c3d4e5f\" ether type arp arp saddr ip != { 10.0.0.5 } drop"))
    }

    @Test func rulesBecomeMatchesThatReturnAndTheRestIsDropped() throws {
        let script = try FirewallRuleset.render(network, ports: [port])
        #expect(script.contains("ether saddr fa:16:3e:00:00:01 jump out-0"))
        #expect(script.contains("ether daddr fa:16:3e:00:00:01 jump in-0"))
        #expect(script.contains("meta nfproto ipv4 tcp dport 22 return"), "0.0.0.0/0 is any address")
        #expect(script.contains("meta nfproto ipv4 ip saddr { 10.0.0.0/24 } meta l4proto icmp icmp type 8 return"), "host bits cleared")
        #expect(script.contains("meta nfproto ipv4 udp dport 1000-2000 return"))
        #expect(script.contains("chain out-0 {\n    meta nfproto ipv4 return\n    meta nfproto ipv6 return\n    drop\n  }"))
        #expect(script.contains("""
              chain in-0 {
                meta nfproto ipv4 tcp dport 22 return
                meta nfproto ipv4 ip saddr { 10.0.0.0/24 } meta l4proto icmp icmp type 8 return
                meta nfproto ipv4 udp dport 1000-2000 return
                drop
              }
            """), "a remote group without members allows nothing")
    }

    @Test func portsWithoutPortSecurityGetNoEntry() throws {
        var open = port
        open.security = false
        let script = try FirewallRuleset.render(network, ports: [open])
        #expect(!script.contains("lt0a1b2c3d4e5f") && !script.contains("jump"))
    }

    @Test func refusesAnythingThatIsNotAnAddressAProtocolOrAPort() {
        var bad = port
        bad.addresses = ["10.0.0.5 } ; flush ruleset ; {"]
        #expect(throws: DataPlaneError.self) { try FirewallRuleset.render(network, ports: [bad]) }
        bad = port
        bad.mac = "fa:16:3e:00:00:01; drop"
        #expect(throws: DataPlaneError.self) { try FirewallRuleset.render(network, ports: [bad]) }
        bad = port
        bad.ingress = [FilterRule(proto: "tcp; flush ruleset")]
        #expect(throws: DataPlaneError.self) { try FirewallRuleset.render(network, ports: [bad]) }
        bad.ingress = [FilterRule(proto: "tcp", portMin: 70_000)]
        #expect(throws: DataPlaneError.self) { try FirewallRuleset.render(network, ports: [bad]) }
        bad.ingress = [FilterRule(remote: ["10.0.0.0/33"])]
        #expect(throws: DataPlaneError.self) { try FirewallRuleset.render(network, ports: [bad]) }
    }

    @Test func removalDeletesBothTablesEvenWhenMissing() {
        #expect(FirewallRuleset.removal(network) == """
            table inet luc-lb5f3b79684750 {}
            delete table inet luc-lb5f3b79684750
            table bridge luc-lb5f3b79684750 {}
            delete table bridge luc-lb5f3b79684750

            """)
    }
}

import AgentProtocol
import CloudModel
import StateStore

/// Turns ports of a network into what their host's firewall enforces: each port's security
/// groups' rules, remote groups resolved to the addresses of the network's ports in that group
/// (the port itself included, as in Neutron). Groups of ports on other networks are not
/// resolved here: a remote group allows its members on the same network.
struct PortFilters {
    let groups: [SecurityGroup.ID: SecurityGroup]
    let members: [SecurityGroup.ID: [String]]

    init(ports: [NetworkPort], store: Store) async throws {
        var groups: [SecurityGroup.ID: SecurityGroup] = [:]
        var members: [SecurityGroup.ID: [String]] = [:]
        for port in ports {
            for id in port.securityGroupIDs {
                members[id, default: []] += port.fixedIPs.map { "\($0.address)" }
                if groups[id] == nil, let group = try await store.networks.securityGroup(id)?.value { groups[id] = group }
            }
        }
        self.groups = groups
        self.members = members
    }

    func wired(_ port: NetworkPort) -> NetworkWiring.Port {
        let rules = port.portSecurityEnabled ? port.securityGroupIDs.compactMap { groups[$0] }.flatMap(\.rules) : []
        func wired(_ rule: SecurityGroupRule) -> NetworkWiring.Rule {
            let remote: [String]? = rule.remoteGroupID.map { members[$0] ?? [] } ?? rule.remoteIPPrefix.map { [$0] }
            return NetworkWiring.Rule(ethertype: rule.ethertype, proto: rule.proto, portMin: rule.portRangeMin,
                                      portMax: rule.portRangeMax, remote: remote)
        }
        return NetworkWiring.Port(id: port.id, mac: port.macAddress, addresses: port.fixedIPs.map { "\($0.address)" },
                                  security: port.portSecurityEnabled,
                                  ingress: rules.filter { $0.direction == .ingress }.map(wired),
                                  egress: rules.filter { $0.direction == .egress }.map(wired))
    }
}

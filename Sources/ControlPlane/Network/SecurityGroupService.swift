public import CloudModel
import Foundation
public import StateStore

/// Neutron's security groups and their rules, in `global` (a group's rules are in its record, so
/// a rule change is one compare-and-set on the group). Every project gets its `default` group,
/// with Neutron's default rules, the first time it lists groups or makes a port.
public struct SecurityGroupService: Sendable {
    let store: Store
    let quotas: NetworkQuotaService
    let wiring: DataPlaneWiring
    let clock: any WallClock

    public init(store: Store, quotas: NetworkQuotaService, wiring: DataPlaneWiring, clock: any WallClock) {
        self.wiring = wiring
        self.store = store
        self.quotas = quotas
        self.clock = clock
    }

    static let protocols: [String: Int] = ["tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58, "sctp": 132, "gre": 47, "esp": 50, "ah": 51,
                                           "ipv6-icmp": 58, "udplite": 136, "igmp": 2, "vrrp": 112]

    func requireProject(_ p: Principal) throws -> String {
        guard let project = p.projectID else { throw ControlPlaneError.unauthorized("A project-scoped token is required.") }
        return project
    }

    /// `project`'s `default` group, made with Neutron's rules if it has none: egress to anywhere
    /// (IPv4 and IPv6), ingress from the group's own members.
    public func defaultGroup(of project: String) async throws -> SecurityGroup {
        if let id = try await store.networks.defaultGroupID(project: project),
           let group = try await store.networks.securityGroup(id)?.value { return group }
        let now = clock.now()
        let id = ResourceID.makeGlobal()
        var group = SecurityGroup(id: id, name: "default", description: "Default security group", projectID: project, createdAt: now)
        group.rules = [
            SecurityGroupRule(id: ResourceID.makeGlobal(), securityGroupID: id, projectID: project, direction: .egress, ethertype: "IPv4", createdAt: now),
            SecurityGroupRule(id: ResourceID.makeGlobal(), securityGroupID: id, projectID: project, direction: .egress, ethertype: "IPv6", createdAt: now),
            SecurityGroupRule(id: ResourceID.makeGlobal(), securityGroupID: id, projectID: project, direction: .ingress, ethertype: "IPv4",
                              remoteGroupID: id, createdAt: now),
            SecurityGroupRule(id: ResourceID.makeGlobal(), securityGroupID: id, projectID: project, direction: .ingress, ethertype: "IPv6",
                              remoteGroupID: id, createdAt: now),
        ]
        group.revision = 1
        var txn = Transaction()
        store.networks.stageCreate(group, asDefault: true, into: &txn)
        do { try await store.commit(txn, in: .global) } catch let error as StoreError where error.code == .conflict {
            // Another controller made it first: use theirs.
            if let id = try await store.networks.defaultGroupID(project: project),
               let existing = try await store.networks.securityGroup(id)?.value { return existing }
            throw error
        }
        return group
    }

    /// The groups `p` may see: its project's (its `default` made on the way), or all for admins.
    public func groups(by p: Principal) async throws -> [SecurityGroup] {
        let project = try requireProject(p)
        _ = try await defaultGroup(of: project)
        return try await store.networks.allSecurityGroups().filter { p.isAdmin || $0.projectID == project }
    }

    public func group(_ id: String, by p: Principal) async throws -> Versioned<SecurityGroup> {
        guard let found = try await store.networks.securityGroup(id), p.isAdmin || found.value.projectID == p.projectID else {
            throw ControlPlaneError(.notFound, "Security group \(id) does not exist", kind: "SecurityGroupNotFound")
        }
        return found
    }

    public func create(name: String, description: String, projectID: String?, stateful: Bool, by p: Principal) async throws -> SecurityGroup {
        let project = try requireProject(p)
        guard p.canWrite else { throw ControlPlaneError(.forbidden, "The reader role cannot change resources.", kind: "PolicyNotAuthorized") }
        if projectID.map({ $0 != project }) == true && !p.isAdmin {
            throw ControlPlaneError(.forbidden, "Only administrators may create groups of other projects.", kind: "PolicyNotAuthorized")
        }
        guard name.count <= 255, description.count <= 255 else {
            throw ControlPlaneError(.badRequest, "Invalid input: name and description are at most 255 characters.", kind: "InvalidInput")
        }
        let owner = projectID ?? project
        _ = try await defaultGroup(of: owner)
        try await quotas.check("security_group", project: owner)
        guard name != "default" else {
            throw ControlPlaneError(.conflict, "Security group default already exists for project \(owner).", kind: "SecurityGroupDefaultAlreadyExists")
        }
        let now = clock.now()
        let id = ResourceID.makeGlobal()
        var group = SecurityGroup(id: id, name: name, description: description, projectID: owner, stateful: stateful, createdAt: now)
        group.rules = ["IPv4", "IPv6"].map {
            SecurityGroupRule(id: ResourceID.makeGlobal(), securityGroupID: id, projectID: owner, direction: .egress, ethertype: $0, createdAt: now)
        }
        group.revision = 1
        var txn = Transaction()
        store.networks.stageCreate(group, asDefault: false, into: &txn)
        try await store.commit(txn, in: .global)
        return group
    }

    public func update(_ id: String, name: String?, description: String?, by p: Principal) async throws -> SecurityGroup {
        try await change(id, by: p) { group in
            if let name {
                guard group.name != "default" || name == "default" else {
                    throw ControlPlaneError(.badRequest, "Renaming the default security group is not allowed.", kind: "SecurityGroupCannotUpdateDefault")
                }
                group.name = name
            }
            if let description { group.description = description }
        }
    }

    public func delete(_ id: String, by p: Principal) async throws {
        guard p.canWrite else { throw ControlPlaneError(.forbidden, "The reader role cannot change resources.", kind: "PolicyNotAuthorized") }
        let current = try await group(id, by: p)
        if current.value.name == "default" && !p.isAdmin {
            throw ControlPlaneError(.conflict, "Insufficient rights for removing default security group.", kind: "SecurityGroupCannotRemoveDefault")
        }
        var txn = Transaction()
        store.networks.stageDelete(current, into: &txn)
        try await store.commit(txn, in: .global)
    }

    /// Fields of a rule to add, as the API gave them.
    public struct RuleFields: Sendable {
        public var securityGroupID: String
        public var direction: String
        public var ethertype: String?
        public var proto: String?
        public var portRangeMin: Int?
        public var portRangeMax: Int?
        public var remoteIPPrefix: String?
        public var remoteGroupID: String?
        public var description: String?
        public init(securityGroupID: String, direction: String) {
            self.securityGroupID = securityGroupID
            self.direction = direction
        }
    }

    static func invalid(_ message: String, _ kind: String = "InvalidInput") -> ControlPlaneError {
        ControlPlaneError(.badRequest, message, kind: kind)
    }

    public func addRule(_ f: RuleFields, by p: Principal) async throws -> SecurityGroupRule {
        guard let direction = SecurityGroupRule.Direction(rawValue: f.direction) else {
            throw Self.invalid("Invalid input for direction. Reason: '\(f.direction)' is not in ['ingress', 'egress'].")
        }
        let ethertype = f.ethertype ?? "IPv4"
        guard ethertype == "IPv4" || ethertype == "IPv6" else { throw Self.invalid("Invalid input for ethertype: '\(ethertype)'.") }
        var proto = f.proto?.lowercased()
        if let text = proto, text == "any" || text.isEmpty { proto = nil }
        if let text = proto, Self.protocols[text] == nil {
            guard let number = Int(text), (0...255).contains(number) else {
                throw Self.invalid("Security group rule protocol \(text) not supported. Only protocol values \(Self.protocols.keys.sorted()) and integer representations [0 to 255] are supported.",
                                   "SecurityGroupRuleInvalidProtocol")
            }
        }
        let ported = proto.map { ["tcp", "udp", "sctp", "udplite", "6", "17", "132", "136"].contains($0) } ?? false
        let icmp = proto.map { ["icmp", "icmpv6", "ipv6-icmp", "1", "58"].contains($0) } ?? false
        if f.portRangeMin != nil || f.portRangeMax != nil {
            if ported {
                guard let low = f.portRangeMin, let high = f.portRangeMax, (1...65535).contains(low), (1...65535).contains(high) else {
                    throw Self.invalid("Invalid port range: port_range_min and port_range_max must both be 1 to 65535.", "SecurityGroupInvalidPortValue")
                }
                guard low <= high else {
                    throw Self.invalid("For TCP/UDP protocols, port_range_min must be <= port_range_max", "SecurityGroupInvalidPortRange")
                }
            } else if icmp {
                if let type = f.portRangeMin, !(0...255).contains(type) {
                    throw Self.invalid("Invalid value for ICMP type: \(type).", "SecurityGroupInvalidIcmpValue")
                }
                if let code = f.portRangeMax, !(0...255).contains(code) || f.portRangeMin == nil {
                    throw Self.invalid("Invalid value for ICMP code: \(code) (and a code needs a type).", "SecurityGroupInvalidIcmpValue")
                }
            } else {
                throw Self.invalid("Port ranges need protocol tcp, udp, sctp or icmp.", "SecurityGroupProtocolRequiredWithPorts")
            }
        }
        if f.remoteIPPrefix != nil && f.remoteGroupID != nil {
            throw Self.invalid("Only remote_ip_prefix or remote_group_id may be provided.", "SecurityGroupRemoteGroupAndRemoteIpPrefix")
        }
        var prefix = f.remoteIPPrefix
        if let text = prefix {
            if ethertype == "IPv4" {
                guard let parsed = IPv4CIDR(text) ?? IPv4Address(text).map({ IPv4CIDR(network: $0, prefix: 32) })
                        ?? Self.loose(text)
                else { throw Self.invalid("Invalid input for remote_ip_prefix: '\(text)' is not an IPv4 CIDR.") }
                prefix = parsed.description
            } else if !text.contains(":") {
                throw Self.invalid("Conflicting value ethertype \(ethertype) for CIDR \(text)", "SecurityGroupRuleParameterConflict")
            }
        }
        if let remote = f.remoteGroupID { _ = try await group(remote, by: p) }
        try await quotas.check("security_group_rule", project: try await group(f.securityGroupID, by: p).value.projectID)
        let now = clock.now()
        var rule = SecurityGroupRule(id: ResourceID.makeGlobal(), securityGroupID: f.securityGroupID, projectID: "", direction: direction,
                                     ethertype: ethertype, proto: proto, portRangeMin: f.portRangeMin,
                                     portRangeMax: f.portRangeMax,
                                     remoteIPPrefix: prefix, remoteGroupID: f.remoteGroupID, description: f.description ?? "",
                                     createdAt: now)
        let ruleCopy = rule
        let group = try await change(f.securityGroupID, by: p) { group in
            var added = ruleCopy
            added.projectID = group.projectID
            if let existing = group.rules.first(where: { $0.sameTraffic(as: added) }) {
                throw ControlPlaneError(.conflict, "Security group rule already exists. Rule id is \(existing.id).", kind: "SecurityGroupRuleExists")
            }
            group.rules.append(added)
        }
        rule.projectID = group.projectID
        await wiring.groupsChanged(project: group.projectID)
        return rule
    }

    /// `10.0.0.1/24` (host bits set) as Neutron normalises it: `10.0.0.0/24`.
    static func loose(_ text: String) -> IPv4CIDR? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = IPv4Address(parts[0]), let prefix = Int(parts[1]), (0...32).contains(prefix) else { return nil }
        return IPv4CIDR(network: address, prefix: prefix)
    }

    /// The rules `p` may see, with the group each belongs to.
    public func rules(by p: Principal) async throws -> [SecurityGroupRule] {
        try await groups(by: p).flatMap(\.rules)
    }

    public func rule(_ id: String, by p: Principal) async throws -> SecurityGroupRule {
        guard let rule = try await rules(by: p).first(where: { $0.id == id }) else {
            throw ControlPlaneError(.notFound, "Security group rule \(id) does not exist", kind: "SecurityGroupRuleNotFound")
        }
        return rule
    }

    public func deleteRule(_ id: String, by p: Principal) async throws {
        let rule = try await rule(id, by: p)
        let group = try await change(rule.securityGroupID, by: p) { group in group.rules.removeAll { $0.id == id } }
        await wiring.groupsChanged(project: group.projectID)
    }

    private func change(_ id: String, by p: Principal, _ body: @Sendable (inout SecurityGroup) throws -> Void) async throws -> SecurityGroup {
        guard p.canWrite else { throw ControlPlaneError(.forbidden, "The reader role cannot change resources.", kind: "PolicyNotAuthorized") }
        return try await retryOnConflict {
            let current = try await group(id, by: p)
            var group = current.value
            try body(&group)
            group.updatedAt = clock.now()
            group.revision += 1
            var txn = Transaction()
            store.networks.stageUpdate(group, from: current, into: &txn)
            try await store.commit(txn, in: .global)
            return group
        }
    }
}

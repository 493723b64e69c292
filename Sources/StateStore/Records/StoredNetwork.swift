import CloudModel
import Foundation

/// Version 1 of the stored form of a `Network`.
struct StoredNetwork: Codable {
    var v = 1
    var id: String
    var name: String
    var desc: String
    var project: String
    var up: Bool
    var shared: Bool
    var ext: Bool
    var mtu: Int
    var vni: Int
    var hints: [String]
    var portSec: Bool
    var site: String?
    var created: Date
    var updated: Date
    var rev: Int

    init(_ n: Network) {
        id = n.id; name = n.name; desc = n.description; project = n.projectID; up = n.adminStateUp; shared = n.shared
        ext = n.external; mtu = n.mtu; vni = n.segmentationID; hints = n.zoneHints; portSec = n.portSecurityEnabled
        site = n.uplinkSite; created = n.createdAt; updated = n.updatedAt; rev = n.revision
    }

    var model: Network {
        var n = Network(id: id, name: name, description: desc, projectID: project, adminStateUp: up, shared: shared, external: ext,
                        mtu: mtu, segmentationID: vni, zoneHints: hints, portSecurityEnabled: portSec, createdAt: created)
        n.uplinkSite = site
        n.updatedAt = updated
        n.revision = rev
        return n
    }
}

/// Version 1 of the stored form of a `Subnet` (addresses as text).
struct StoredSubnet: Codable {
    var v = 1
    var id: String
    var name: String
    var desc: String
    var project: String
    var net: String
    var cidr: String
    var gw: String?
    var pools: [[String]]
    var dns: [String]
    var routes: [[String]]
    var dhcp: Bool
    var created: Date
    var updated: Date
    var rev: Int

    init(_ s: Subnet) {
        id = s.id; name = s.name; desc = s.description; project = s.projectID; net = s.networkID; cidr = s.cidr.description
        gw = s.gateway?.description; pools = s.pools.map { [$0.start.description, $0.end.description] }; dns = s.dnsNameservers
        routes = s.hostRoutes.map { [$0.destination.description, $0.nexthop.description] }; dhcp = s.enableDHCP
        created = s.createdAt; updated = s.updatedAt; rev = s.revision
    }

    var model: Subnet {
        let range = IPv4CIDR(cidr) ?? IPv4CIDR(network: IPv4Address(0), prefix: 32)
        var s = Subnet(id: id, name: name, description: desc, projectID: project, networkID: net, cidr: range,
                       gateway: gw.flatMap { IPv4Address($0) },
                       pools: pools.compactMap { p in
                           guard p.count == 2, let a = IPv4Address(p[0]), let b = IPv4Address(p[1]) else { return nil }
                           return Subnet.Pool(start: a, end: b)
                       },
                       dnsNameservers: dns,
                       hostRoutes: routes.compactMap { r in
                           guard r.count == 2, let d = IPv4CIDR(r[0]), let h = IPv4Address(r[1]) else { return nil }
                           return Subnet.Route(destination: d, nexthop: h)
                       },
                       enableDHCP: dhcp, createdAt: created)
        s.updatedAt = updated
        s.revision = rev
        return s
    }
}

/// Version 1 of the stored form of a `NetworkPort`.
struct StoredPort: Codable {
    var v = 1
    var id: String
    var name: String
    var desc: String
    var project: String
    var net: String
    var site: String
    var mac: String
    var ips: [[String]]
    var dev: String
    var owner: String
    var sgs: [String]
    var portSec: Bool
    var up: Bool
    var host: String?
    var created: Date
    var updated: Date
    var rev: Int

    init(_ p: NetworkPort) {
        id = p.id; name = p.name; desc = p.description; project = p.projectID; net = p.networkID; site = p.site; mac = p.macAddress
        ips = StoredFixedIPs.encode(p.fixedIPs); dev = p.deviceID; owner = p.deviceOwner
        sgs = p.securityGroupIDs; portSec = p.portSecurityEnabled; up = p.adminStateUp; host = p.hostID
        created = p.createdAt; updated = p.updatedAt; rev = p.revision
    }

    var model: NetworkPort {
        var p = NetworkPort(id: id, name: name, description: desc, projectID: project, networkID: net, site: site, macAddress: mac,
                     fixedIPs: StoredFixedIPs.decode(ips),
                     deviceID: dev, deviceOwner: owner, securityGroupIDs: sgs, portSecurityEnabled: portSec, adminStateUp: up,
                     createdAt: created)
        p.hostID = host
        p.updatedAt = updated
        p.revision = rev
        return p
    }
}

/// Version 1 of the stored form of a `SecurityGroup` with its rules.
struct StoredSecurityGroup: Codable {
    struct Rule: Codable {
        var id: String
        var dir: String
        var eth: String
        var proto: String?
        var min: Int?
        var max: Int?
        var prefix: String?
        var group: String?
        var desc: String
        var created: Date
    }

    var v = 1
    var id: String
    var name: String
    var desc: String
    var project: String
    var rules: [Rule]
    var stateful: Bool
    var created: Date
    var updated: Date
    var rev: Int

    init(_ g: SecurityGroup) {
        id = g.id; name = g.name; desc = g.description; project = g.projectID; stateful = g.stateful
        created = g.createdAt; updated = g.updatedAt; rev = g.revision
        rules = g.rules.map { r in
            Rule(id: r.id, dir: r.direction.rawValue, eth: r.ethertype, proto: r.proto, min: r.portRangeMin, max: r.portRangeMax,
                 prefix: r.remoteIPPrefix, group: r.remoteGroupID, desc: r.description, created: r.createdAt)
        }
    }

    var model: SecurityGroup {
        var g = SecurityGroup(id: id, name: name, description: desc, projectID: project, stateful: stateful, createdAt: created)
        g.rules = rules.map { r in
            SecurityGroupRule(id: r.id, securityGroupID: id, projectID: project, direction: .init(rawValue: r.dir) ?? .ingress,
                              ethertype: r.eth, proto: r.proto, portRangeMin: r.min, portRangeMax: r.max, remoteIPPrefix: r.prefix,
                              remoteGroupID: r.group, description: r.desc, createdAt: r.created)
        }
        g.updatedAt = updated
        g.revision = rev
        return g
    }
}

/// Version 1 of the stored form of a `NetworkQuota` (Neutron names to values).
struct StoredNetworkQuota: Codable {
    var v = 1
    var q: [String: Int]

    init(_ quota: NetworkQuota) { q = Dictionary(quota.items, uniquingKeysWith: { a, _ in a }) }

    var model: NetworkQuota {
        var quota = NetworkQuota()
        for (name, value) in q { _ = quota.set(name, value) }
        return quota
    }
}

/// Fixed addresses as stored: `[subnet, address]` pairs (unreadable pairs are dropped).
enum StoredFixedIPs {
    static func encode(_ ips: [NetworkPort.FixedIP]) -> [[String]] { ips.map { [$0.subnetID, $0.address.description] } }

    static func decode(_ pairs: [[String]]) -> [NetworkPort.FixedIP] {
        pairs.compactMap { i in
            guard i.count == 2, let a = IPv4Address(i[1]) else { return nil }
            return NetworkPort.FixedIP(subnetID: i[0], address: a)
        }
    }
}

import CloudModel
import Foundation

/// Version 1 of the stored form of a `Router` (addresses as `[subnet, address]` pairs).
struct StoredRouter: Codable {
    struct Gateway: Codable {
        var net: String
        var port: String
        var snat: Bool
        var ips: [[String]]
    }

    var v = 1
    var id: String
    var name: String
    var desc: String
    var project: String
    var up: Bool
    var site: String
    var gw: Gateway?
    /// `[subnet, port, "1" if the router made the port else "0"]`.
    var ifs: [[String]]
    var created: Date
    var updated: Date
    var rev: Int

    init(_ r: NetworkRouter) {
        id = r.id; name = r.name; desc = r.description; project = r.projectID; up = r.adminStateUp; site = r.site
        gw = r.gateway.map { Gateway(net: $0.networkID, port: $0.portID, snat: $0.enableSNAT, ips: StoredFixedIPs.encode($0.fixedIPs)) }
        ifs = r.interfaces.map { [$0.subnetID, $0.portID, $0.madeByRouter ? "1" : "0"] }
        created = r.createdAt; updated = r.updatedAt; rev = r.revision
    }

    var model: NetworkRouter {
        var r = NetworkRouter(id: id, name: name, description: desc, projectID: project, adminStateUp: up, site: site, createdAt: created)
        r.gateway = gw.map { g in
            NetworkRouter.Gateway(networkID: g.net, portID: g.port, enableSNAT: g.snat, fixedIPs: StoredFixedIPs.decode(g.ips))
        }
        r.interfaces = ifs.compactMap { $0.count == 3 ? NetworkRouter.Interface(subnetID: $0[0], portID: $0[1], madeByRouter: $0[2] == "1") : nil }
        r.updatedAt = updated
        r.revision = rev
        return r
    }
}

/// Version 1 of the stored form of a `FloatingIP`.
struct StoredFloatingIP: Codable {
    var v = 1
    var id: String
    var project: String
    var desc: String
    var net: String
    var subnet: String
    var ip: String
    var site: String
    var port: String?
    var fixed: String?
    var router: String?
    var created: Date
    var updated: Date
    var rev: Int

    init(_ f: FloatingIP) {
        id = f.id; project = f.projectID; desc = f.description; net = f.networkID; subnet = f.subnetID; ip = f.address.description
        site = f.site; port = f.association?.portID; fixed = f.association?.fixedAddress.description; router = f.association?.routerID
        created = f.createdAt; updated = f.updatedAt; rev = f.revision
    }

    var model: FloatingIP {
        var f = FloatingIP(id: id, projectID: project, description: desc, networkID: net, subnetID: subnet,
                           address: IPv4Address(ip) ?? IPv4Address(0), site: site, createdAt: created)
        if let port, let fixed = fixed.flatMap({ IPv4Address($0) }), let router {
            f.association = FloatingIP.Association(portID: port, fixedAddress: fixed, routerID: router)
        }
        f.updatedAt = updated
        f.revision = rev
        return f
    }
}

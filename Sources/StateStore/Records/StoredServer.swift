import CloudModel
import Foundation

/// Version 1 of the stored form of a `Server`.
struct StoredServer: Codable {
    var v = 1
    var id: String
    var name: String
    var project: String
    var user: String
    var site: String
    var host: String?
    var hostName: String?
    var flavor: StoredFlavor
    var image: String
    var key: String?
    var meta: [String: String]
    var userData: String?
    var ip4: String
    var ip6: String
    var vm: VMState
    var task: TaskState?
    var power: PowerState
    var created: Date
    var updated: Date
    var launched: Date?
    var terminated: Date?
    var fault: StoredFault?
    var owner: String?
    var deadline: Date?
    var tried: [String]
    /// Added within v1 (absent in older records: no host was requested, no reservation, unlocked,
    /// no tags, hints, pinned zone, image properties or hostname).
    var forced: String?
    var res: String?
    var li: Int?
    var lk: Bool?
    var lkBy: String?
    var grp: String?
    var desc: String?
    var lkWhy: String?
    var tags: [String]?
    var az: String?
    var hints: [String: [String]]?
    var imgProps: [String: String]?
    var hn: String?
    var nics: [StoredNIC]?
    var sgs: [String]?
    var vols: [StoredServerVolume]?
    var boot: StoredBootVolume?
    var bootData: [StoredBootVolume]?
    var req: String

    init(_ s: Server) {
        id = s.id; name = s.name; project = s.projectID; user = s.userID; site = s.site
        host = s.hostID; hostName = s.hostName; flavor = StoredFlavor(s.flavor); image = s.imageID
        key = s.keyName; meta = s.metadata; userData = s.userData; ip4 = s.accessIPv4; ip6 = s.accessIPv6
        vm = s.vmState; task = s.taskState; power = s.powerState; created = s.createdAt; updated = s.updatedAt
        launched = s.launchedAt; terminated = s.terminatedAt; fault = s.fault.map(StoredFault.init)
        owner = s.taskOwner; deadline = s.taskDeadline; tried = s.triedHosts; forced = s.requestedHost; req = s.requestID
        res = s.reservationID; li = s.launchIndex; lk = s.locked ? true : nil; lkBy = s.lockedBy?.rawValue; grp = s.groupID; desc = s.description
        lkWhy = s.lockedReason; tags = s.tags.isEmpty ? nil : s.tags; az = s.pinnedZone
        hints = s.schedulerHints.isEmpty ? nil : s.schedulerHints; imgProps = s.imageProperties.isEmpty ? nil : s.imageProperties
        hn = s.requestedHostname
        nics = s.nics.isEmpty ? nil : s.nics.map(StoredNIC.init); sgs = s.securityGroupNames.isEmpty ? nil : s.securityGroupNames
        vols = s.volumes.isEmpty ? nil : s.volumes.map(StoredServerVolume.init)
        boot = s.bootVolume.map(StoredBootVolume.init)
        bootData = s.dataVolumesAtBoot.isEmpty ? nil : s.dataVolumesAtBoot.map(StoredBootVolume.init)
    }

    var model: Server {
        var s = Server(id: id, name: name, projectID: project, userID: user, site: site, flavor: flavor.model,
                       imageID: image, keyName: key, metadata: meta, userData: userData, accessIPv4: ip4,
                       accessIPv6: ip6, createdAt: created, requestID: req)
        s.hostID = host; s.hostName = hostName; s.vmState = vm; s.taskState = task; s.powerState = power
        s.updatedAt = updated; s.launchedAt = launched; s.terminatedAt = terminated; s.fault = fault?.model
        s.taskOwner = owner; s.taskDeadline = deadline; s.triedHosts = tried; s.requestedHost = forced
        s.reservationID = res ?? ""; s.launchIndex = li ?? 0; s.locked = lk ?? false; s.lockedBy = lkBy.flatMap(Server.LockHolder.init); s.groupID = grp; s.description = desc
        s.lockedReason = lkWhy; s.tags = tags ?? []; s.pinnedZone = az; s.schedulerHints = hints ?? [:]
        s.imageProperties = imgProps ?? [:]; s.requestedHostname = hn
        s.nics = nics?.map(\.model) ?? []; s.securityGroupNames = sgs ?? []
        s.volumes = vols?.map(\.model) ?? []
        s.bootVolume = boot?.model
        s.dataVolumesAtBoot = bootData?.compactMap(\.model) ?? []
        return s
    }
}

/// Version 1 of the stored form of a `ServerNIC`.
struct StoredNIC: Codable {
    var port: String
    var net: String
    var name: String
    var mac: String
    var ips: [String]
    var own: Bool
    var fips: [String]?
    var tag: String?

    init(_ n: ServerNIC) {
        port = n.portID; net = n.networkID; name = n.networkName; mac = n.macAddress; ips = n.addresses.map(\.description)
        own = n.madeForServer; fips = n.floatingAddresses.isEmpty ? nil : n.floatingAddresses.map(\.description)
        tag = n.tag
    }

    var model: ServerNIC {
        var nic = ServerNIC(portID: port, networkID: net, networkName: name, macAddress: mac, addresses: ips.compactMap { IPv4Address($0) },
                            madeForServer: own)
        nic.floatingAddresses = (fips ?? []).compactMap { IPv4Address($0) }
        nic.tag = tag
        return nic
    }
}

/// Version 1 of the stored form of a `ServerVolume`.
struct StoredServerVolume: Codable {
    var vol: String
    var dev: String
    var att: String
    var dot: Bool?
    var tag: String?
    var bdm: String

    init(_ v: ServerVolume) {
        vol = v.volumeID; dev = v.device; att = v.attachmentID; dot = v.deleteOnTermination ? true : nil; tag = v.tag; bdm = v.mappingID
    }

    var model: ServerVolume {
        ServerVolume(volumeID: vol, device: dev, attachmentID: att, deleteOnTermination: dot ?? false, tag: tag, mappingID: bdm)
    }
}

/// Version 1 of the stored form of a `Fault`.
struct StoredFault: Codable {
    var code: Int
    var message: String
    var created: Date

    init(_ f: Fault) { code = f.code; message = f.message; created = f.created }
    var model: Fault { Fault(code: code, message: message, created: created) }
}

/// Version 1 of the stored form of a `BootVolume`.
struct StoredBootVolume: Codable {
    /// `["image"|"snapshot"|"volume", id]` or `["blank", ""]`.
    var src: [String]
    var vol: String
    var size: Int
    var type: String
    var dot: Bool

    init(_ b: BootVolume) {
        switch b.source {
        case let .image(i): src = ["image", i]
        case let .snapshot(s): src = ["snapshot", s]
        case let .volume(v): src = ["volume", v]
        case .blank: src = ["blank", ""]
        }
        vol = b.volumeID; size = b.sizeGB; type = b.typeName; dot = b.deleteOnTermination
    }

    var model: BootVolume? {
        guard src.count == 2 else { return nil }
        let source: BootVolume.Source
        switch src[0] {
        case "image": source = .image(src[1])
        case "snapshot": source = .snapshot(src[1])
        case "volume": source = .volume(src[1])
        case "blank": source = .blank
        default: return nil
        }
        return BootVolume(source: source, volumeID: vol, sizeGB: size, typeName: type, deleteOnTermination: dot)
    }
}

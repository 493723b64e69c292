import CloudModel
import Foundation

/// Version 1 of the stored form of a `Volume`.
struct StoredVolume: Codable {
    struct Attachment: Codable {
        var id: String
        var server: String
        var dev: String
        var host: String?
        var at: Date
        var dot: Bool

        init(_ a: VolumeAttachment) {
            id = a.id; server = a.serverID; dev = a.device; host = a.hostName; at = a.attachedAt; dot = a.deleteOnTermination
        }

        var model: VolumeAttachment {
            VolumeAttachment(id: id, serverID: server, device: dev, hostName: host, attachedAt: at, deleteOnTermination: dot)
        }
    }

    var v = 1
    var id: String
    var name: String
    var desc: String
    var project: String
    var user: String
    var site: String
    var size: Int
    var status: String
    var type: String
    var boot: Bool
    var meta: [String: String]
    /// `["image"|"snapshot"|"volume"|"backup", id]`.
    var src: [String]?
    /// Image metadata of a volume made from an image.
    var img: [String: String]?
    var att: [Attachment]
    /// `["attach"]` with `pendAtt`, `["detach", server]`, `["extend", size]`, `["revert", snapshot]`.
    var pend: [String]?
    var pendAtt: Attachment?
    var owner: String?
    var deadline: Date?
    var fault: String?
    var created: Date
    var updated: Date
    var rev: Int

    init(_ m: Volume) {
        id = m.id; name = m.name; desc = m.description; project = m.projectID; user = m.userID; site = m.site; size = m.sizeGB
        status = m.status.rawValue; type = m.typeName; boot = m.bootable; meta = m.metadata
        switch m.source {
        case let .image(i): src = ["image", i]
        case let .snapshot(s): src = ["snapshot", s]
        case let .volume(v): src = ["volume", v]
        case let .backup(b): src = ["backup", b]
        case nil: src = nil
        }
        img = m.imageMetadata.isEmpty ? nil : m.imageMetadata
        att = m.attachments.map(Attachment.init)
        switch m.pending {
        case let .attach(a): pend = ["attach"]; pendAtt = Attachment(a)
        case let .detach(server): pend = ["detach", server]
        case let .extend(size): pend = ["extend", String(size)]
        case let .revert(snapshot): pend = ["revert", snapshot]
        case nil: pend = nil
        }
        owner = m.taskOwner; deadline = m.taskDeadline; fault = m.fault
        created = m.createdAt; updated = m.updatedAt; rev = m.revision
    }

    var model: Volume {
        var m = Volume(id: id, name: name, description: desc, projectID: project, userID: user, site: site, sizeGB: size,
                       typeName: type, createdAt: created)
        m.status = VolumeStatus(rawValue: status) ?? .error
        m.bootable = boot
        m.metadata = meta
        m.imageMetadata = img ?? [:]
        if let src, src.count == 2 {
            switch src[0] {
            case "image": m.source = .image(src[1])
            case "snapshot": m.source = .snapshot(src[1])
            case "volume": m.source = .volume(src[1])
            case "backup": m.source = .backup(src[1])
            default: break
            }
        }
        m.attachments = att.map(\.model)
        switch pend?.first {
        case "attach": m.pending = pendAtt.map { .attach($0.model) }
        case "detach": m.pending = pend.flatMap { $0.count == 2 ? .detach(serverID: $0[1]) : nil }
        case "extend": m.pending = pend.flatMap { $0.count == 2 ? Int($0[1]).map { .extend(sizeGB: $0) } : nil }
        case "revert": m.pending = pend.flatMap { $0.count == 2 ? .revert(snapshotID: $0[1]) : nil }
        default: break
        }
        m.taskOwner = owner; m.taskDeadline = deadline; m.fault = fault
        m.updatedAt = updated
        m.revision = rev
        return m
    }
}

/// Version 1 of the stored form of a `VolumeQuota`.
struct StoredVolumeQuota: Codable {
    var v = 1
    var volumes: Int
    var gb: Int
    var snapshots: Int
    var backups: Int
    var backupGB: Int
    var perVolumeGB: Int
    /// Added within v1 (absent: the default).
    var groups: Int?

    init(_ q: VolumeQuota) {
        volumes = q.volumes; gb = q.gigabytes; snapshots = q.snapshots; backups = q.backups; backupGB = q.backupGigabytes
        perVolumeGB = q.perVolumeGigabytes; groups = q.groups
    }

    var model: VolumeQuota {
        var q = VolumeQuota(volumes: volumes, gigabytes: gb, snapshots: snapshots, backups: backups, backupGigabytes: backupGB,
                            perVolumeGigabytes: perVolumeGB)
        q.groups = groups ?? VolumeQuota.defaults.groups
        return q
    }
}

/// Version 1 of the stored form of a `VolumeSnapshot`.
struct StoredSnapshot: Codable {
    var v = 1
    var id: String
    var name: String
    var desc: String
    var project: String
    var user: String?
    var prog: String?
    var site: String
    var vol: String
    var size: Int
    var status: String
    var meta: [String: String]
    var owner: String?
    var deadline: Date?
    var fault: String?
    var created: Date
    var updated: Date
    var rev: Int

    init(_ m: VolumeSnapshot) {
        id = m.id; name = m.name; desc = m.description; project = m.projectID; user = m.userID; prog = m.progress; site = m.site; vol = m.volumeID; size = m.sizeGB
        status = m.status.rawValue; meta = m.metadata; owner = m.taskOwner; deadline = m.taskDeadline; fault = m.fault
        created = m.createdAt; updated = m.updatedAt; rev = m.revision
    }

    var model: VolumeSnapshot {
        var m = VolumeSnapshot(id: id, name: name, description: desc, projectID: project, site: site, volumeID: vol, sizeGB: size,
                               createdAt: created)
        m.status = VolumeSnapshot.Status(rawValue: status) ?? .error
        m.metadata = meta; m.taskOwner = owner; m.taskDeadline = deadline; m.fault = fault
        m.updatedAt = updated; m.revision = rev; m.userID = user ?? ""; m.progress = prog
        return m
    }
}

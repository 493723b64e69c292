import CloudModel
import Foundation

/// Version 1 of the stored form of a `VolumeBackup`.
struct StoredBackup: Codable {
    var v = 1
    var id: String
    var name: String
    var desc: String
    var project: String
    var user: String
    var site: String
    var vol: String
    var volSite: String
    var size: Int
    var status: String
    var meta: [String: String]
    var container: String?
    var owner: String?
    var deadline: Date?
    var fault: String?
    var created: Date
    var updated: Date
    var dataAt: Date?
    var rev: Int

    init(_ m: VolumeBackup) {
        id = m.id; name = m.name; desc = m.description; project = m.projectID; user = m.userID; site = m.site; vol = m.volumeID
        volSite = m.volumeSite; size = m.sizeGB; status = m.status.rawValue; meta = m.metadata; container = m.container
        owner = m.taskOwner; deadline = m.taskDeadline; fault = m.fault; created = m.createdAt; updated = m.updatedAt
        dataAt = m.dataTimestamp; rev = m.revision
    }

    var model: VolumeBackup {
        var m = VolumeBackup(id: id, name: name, description: desc, projectID: project, userID: user, site: site, volumeID: vol,
                             volumeSite: volSite, sizeGB: size, createdAt: created)
        m.status = VolumeBackup.Status(rawValue: status) ?? .error
        m.metadata = meta; m.container = container; m.taskOwner = owner; m.taskDeadline = deadline; m.fault = fault
        m.updatedAt = updated; m.dataTimestamp = dataAt; m.revision = rev
        return m
    }
}

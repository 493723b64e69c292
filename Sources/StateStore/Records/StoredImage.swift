import CloudModel
import Foundation

/// Version 1 of the stored form of an `Image`'s metadata (its bytes live on a site's disk).
struct StoredImage: Codable {
    var v = 1
    var id: String
    var name: String
    var status: String
    var vis: String
    var disk: String?
    var container: String?
    var minDisk: Int
    var minRam: Int
    var prot: Bool
    var hidden: Bool
    var owner: String
    var tags: [String]
    var props: [String: String]
    var size: Int?
    var md5: String?
    var hashAlgo: String?
    var hash: String?
    var created: Date
    var updated: Date
    var sites: [String]

    init(_ i: Image) {
        id = i.id; name = i.name; status = i.status.rawValue; vis = i.visibility.rawValue; disk = i.diskFormat
        container = i.containerFormat; minDisk = i.minDiskGB; minRam = i.minRamMB; prot = i.protected
        hidden = i.hidden; owner = i.owner; tags = i.tags; props = i.properties; size = i.size; md5 = i.checksum
        hashAlgo = i.hashAlgo; hash = i.hashValue; created = i.createdAt; updated = i.updatedAt; sites = i.locations
    }

    var model: Image {
        var i = Image(id: id, name: name, visibility: Image.Visibility(rawValue: vis) ?? .private, diskFormat: disk,
                      containerFormat: container, minDiskGB: minDisk, minRamMB: minRam, protected: prot,
                      hidden: hidden, owner: owner, tags: tags, properties: props, createdAt: created)
        i.status = Image.Status(rawValue: status) ?? .killed
        i.size = size; i.checksum = md5; i.hashAlgo = hashAlgo; i.hashValue = hash; i.updatedAt = updated
        i.locations = sites
        return i
    }
}

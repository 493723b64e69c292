import CloudModel
import Foundation

/// Version 1 of the stored form of a `Site`.
struct StoredSite: Codable {
    var v = 1
    var id: String
    var index: UInt16
    var name: String
    var lat: Double
    var lon: Double

    init(_ s: Site) { id = s.id; index = s.index; name = s.name; lat = s.latitude; lon = s.longitude }
    var model: Site { Site(id: id, index: index, name: name, latitude: lat, longitude: lon) }
}

/// Version 1 of the stored form of a `Keypair`.
struct StoredKeypair: Codable {
    var v = 1
    var name: String
    var user: String
    var key: String
    var fp: String
    var type: String
    var created: Date
    var num: Int

    init(_ k: Keypair) {
        name = k.name; user = k.userID; key = k.publicKey; fp = k.fingerprint; type = k.type; created = k.createdAt
        num = k.number
    }

    var model: Keypair {
        Keypair(name: name, userID: user, publicKey: key, fingerprint: fp, type: type, createdAt: created, number: num)
    }
}

/// Version 1 of the stored form of a `Quota`.
struct StoredQuota: Codable {
    var v = 1
    var instances: Int
    var cores: Int
    var ram: Int
    var keys: Int
    var meta: Int

    init(_ q: Quota) { instances = q.instances; cores = q.cores; ram = q.ramMB; keys = q.keyPairs; meta = q.metadataItems }
    var model: Quota { Quota(instances: instances, cores: cores, ramMB: ram, keyPairs: keys, metadataItems: meta) }
}

/// Version 1 of a project's usage counter in one site.
struct StoredUsage: Codable {
    var v = 1
    var instances: Int
    var cores: Int
    var ram: Int

    init(_ u: Usage) { instances = u.instances; cores = u.cores; ram = u.ramMB }
    var model: Usage { Usage(instances: instances, cores: cores, ramMB: ram) }
}

/// Version 1 of the stored form of an `InstanceAction`.
struct StoredInstanceAction: Codable {
    var v = 1
    var server: String
    var action: String
    var req: String
    var user: String
    var project: String
    var start: Date
    var finish: Date?
    var result: String?
    var message: String?

    init(_ a: InstanceAction) {
        server = a.serverID; action = a.action; req = a.requestID; user = a.userID; project = a.projectID
        start = a.startTime; finish = a.finishTime; result = a.result; message = a.message
    }

    var model: InstanceAction {
        var a = InstanceAction(serverID: server, action: action, requestID: req, userID: user, projectID: project,
                               startTime: start)
        a.finishTime = finish; a.result = result; a.message = message
        return a
    }
}

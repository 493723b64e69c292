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

/// Version 1 of the stored form of a `SiteCapacity`.
struct StoredSiteCapacity: Codable {
    var v = 1
    var site: String
    var up: Int
    var free: [Int]
    var largest: [Int]
    var at: Date

    init(_ c: SiteCapacity) {
        site = c.site; up = c.hostsUp; at = c.updatedAt
        free = [c.free.vcpus, c.free.ramMB, c.free.diskGB]
        largest = [c.largestFree.vcpus, c.largestFree.ramMB, c.largestFree.diskGB]
    }

    var model: SiteCapacity {
        func resources(_ a: [Int]) -> Resources { a.count == 3 ? Resources(vcpus: a[0], ramMB: a[1], diskGB: a[2]) : .zero }
        return SiteCapacity(site: site, hostsUp: up, free: resources(free), largestFree: resources(largest), updatedAt: at)
    }
}

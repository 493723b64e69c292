import CloudModel
import Foundation

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

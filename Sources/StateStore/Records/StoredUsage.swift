import CloudModel
import Foundation

/// Version 1 of a project's usage counter in one site.
struct StoredUsage: Codable {
    var v = 1
    var instances: Int
    var cores: Int
    var ram: Int

    init(_ u: Usage) { instances = u.instances; cores = u.cores; ram = u.ramMB }
    var model: Usage { Usage(instances: instances, cores: cores, ramMB: ram) }
}

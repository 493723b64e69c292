import CloudModel
import Foundation

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

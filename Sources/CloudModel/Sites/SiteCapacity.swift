public import Foundation

/// What a site can still take, as its controllers last published it in `global`: enough for
/// another site to decide where a boot without a zone should go without reading this site's
/// keyspace across the WAN.
public struct SiteCapacity: Sendable, Hashable {
    public var site: Site.ID
    public var hostsUp: Int
    /// Free resources summed over the hosts that are up.
    public var free: Resources
    /// The most free vCPUs, RAM and disk of any one host that is up (each its own maximum: an
    /// optimistic bound, the site's scheduler decides).
    public var largestFree: Resources
    public var updatedAt: Date

    public init(site: Site.ID, hostsUp: Int, free: Resources, largestFree: Resources, updatedAt: Date) {
        self.site = site
        self.hostsUp = hostsUp
        self.free = free
        self.largestFree = largestFree
        self.updatedAt = updatedAt
    }

    /// True when one host of the site may take `resources`.
    public func mayFit(_ resources: Resources) -> Bool {
        hostsUp > 0 && largestFree.vcpus >= resources.vcpus && largestFree.ramMB >= resources.ramMB
            && largestFree.diskGB >= resources.diskGB
    }

    /// The same figures, ignoring when they were taken.
    public func sameFigures(as other: SiteCapacity) -> Bool {
        hostsUp == other.hostsUp && free == other.free && largestFree == other.largestFree
    }
}

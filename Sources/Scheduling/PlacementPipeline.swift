/// Filters then weighs host snapshots: the pure part of scheduling. Claiming the chosen host is
/// the control plane's job (a compare-and-set in the store).
public struct PlacementPipeline: Sendable {
    public var filters: [any HostFilter]
    public var weighers: [any HostWeigher]

    public init(filters: [any HostFilter], weighers: [any HostWeigher]) {
        self.filters = filters
        self.weighers = weighers
    }

    /// The standard pipeline: up and enabled, zone, requested host, retry, RAM, vCPU, disk, server
    /// group (anti-)affinity; soft group policies first, then spread by RAM then CPU.
    public static let standard = PlacementPipeline(
        filters: [ComputeFilter(), AvailabilityZoneFilter(), RequestedHostFilter(), RetryFilter(), RAMFilter(), VCPUFilter(),
                  DiskFilter(), ServerGroupAffinityFilter(), ServerGroupAntiAffinityFilter()],
        weighers: [ServerGroupSoftWeigher(), RAMWeigher(), CPUWeigher(multiplier: 0.5)])

    /// The hosts that can take `request`, best first. Ties keep the input order.
    public func rank(_ hosts: [HostSnapshot], for request: PlacementRequest) -> [HostSnapshot] {
        let candidates = hosts.filter { host in filters.allSatisfy { $0.passes(host, for: request) } }
        guard candidates.count > 1 else { return candidates }
        var totals = [Double](repeating: 0, count: candidates.count)
        for weigher in weighers {
            let raw = candidates.map { weigher.rawWeight($0, for: request) }
            let low = raw.min() ?? 0, high = raw.max() ?? 0
            guard high > low else { continue }
            for i in raw.indices { totals[i] += weigher.multiplier * (raw[i] - low) / (high - low) }
        }
        return candidates.indices.sorted { totals[$0] > totals[$1] || (totals[$0] == totals[$1] && $0 < $1) }
            .map { candidates[$0] }
    }

    /// Which filter rejected each host, for a readable "no valid host" fault.
    public func explain(_ hosts: [HostSnapshot], for request: PlacementRequest) -> String {
        if hosts.isEmpty { return "no hosts in the requested zone" }
        var rejected: [String: Int] = [:]
        for host in hosts {
            if let filter = filters.first(where: { !$0.passes(host, for: request) }) { rejected[filter.name, default: 0] += 1 }
        }
        return rejected.sorted { $0.key < $1.key }.map { "\($0.key) rejected \($0.value)" }.joined(separator: ", ")
    }
}

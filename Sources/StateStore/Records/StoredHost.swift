import CloudModel

/// Version 1 of the stored form of a `ComputeHost`.
struct StoredHost: Codable {
    var v = 1
    var id: String
    var name: String
    var site: String
    var cap: Resources
    var used: Resources
    var cpuRatio: Double
    var ramRatio: Double
    var enabled: Bool
    var url: String
    var type: String
    var ip: String
    var num: Int
    /// Absent in records written before hosts reported it: no data plane.
    var dp: Bool?

    init(_ h: ComputeHost) {
        id = h.id; name = h.name; site = h.site; cap = h.capacity; used = h.used; cpuRatio = h.cpuAllocationRatio
        ramRatio = h.ramAllocationRatio; enabled = h.enabled; url = h.agentURL; type = h.hypervisorType
        ip = h.hostIP; num = h.number; dp = h.dataPlane ? true : nil
    }

    var model: ComputeHost {
        var host = ComputeHost(id: id, name: name, site: site, capacity: cap, used: used, cpuAllocationRatio: cpuRatio,
                               ramAllocationRatio: ramRatio, enabled: enabled, agentURL: url, hypervisorType: type, hostIP: ip,
                               number: num)
        host.dataPlane = dp ?? false
        return host
    }
}

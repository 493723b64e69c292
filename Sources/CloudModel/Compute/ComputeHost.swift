import Foundation

/// A hypervisor host of a site, as its compute agent reported it, with what servers claim on it.
public struct ComputeHost: Sendable, Hashable {
    public typealias ID = String
    public var id: ID
    /// ComputeHost name, unique in the cloud (`rennes-h1`).
    public var name: String
    public var site: Site.ID
    /// What the host has in total, before allocation ratios.
    public var capacity: Resources
    /// Sum of the claims of the servers placed on the host.
    public var used: Resources
    public var cpuAllocationRatio: Double
    public var ramAllocationRatio: Double
    /// Operator switch: a disabled host gets no new servers.
    public var enabled: Bool
    /// Where the controllers reach this host's agent.
    public var agentURL: String
    public var hypervisorType: String
    public var hostIP: String
    /// The monotonically increasing number of the host record, used as the hypervisor's integer id at 2.1.
    public var number: Int
    /// Whether the host carries tenant networks and runs routers (its agent has a data plane).
    public var dataPlane: Bool = false

    public init(id: ID, name: String, site: Site.ID, capacity: Resources, used: Resources = .zero,
                cpuAllocationRatio: Double = 16, ramAllocationRatio: Double = 1.5, enabled: Bool = true,
                agentURL: String, hypervisorType: String, hostIP: String, number: Int) {
        self.id = id
        self.name = name
        self.site = site
        self.capacity = capacity
        self.used = used
        self.cpuAllocationRatio = cpuAllocationRatio
        self.ramAllocationRatio = ramAllocationRatio
        self.enabled = enabled
        self.agentURL = agentURL
        self.hypervisorType = hypervisorType
        self.hostIP = hostIP
        self.number = number
    }

    /// What may be claimed in total once allocation ratios are applied.
    public var schedulable: Resources {
        Resources(vcpus: Int(Double(capacity.vcpus) * cpuAllocationRatio),
                  ramMB: Int(Double(capacity.ramMB) * ramAllocationRatio),
                  diskGB: capacity.diskGB)
    }

    /// What is left to claim.
    public var free: Resources { schedulable - used }
}

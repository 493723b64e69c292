public import DataPlane
public import HypervisorDriver

/// One hypervisor host served by an agent process: its driver and what it offers.
public struct AgentHost: Sendable {
    public var name: String
    public var driver: any HypervisorDriver
    public var vcpus: Int
    public var ramMB: Int
    public var diskGB: Int
    public var hostIP: String
    /// The host's tenant networks (bridges and VXLAN over `hostIP`); nil where the agent was
    /// started without a data plane (machines then get their taps but no wiring).
    public var fabric: HostFabric?

    public init(name: String, driver: any HypervisorDriver, vcpus: Int, ramMB: Int, diskGB: Int, hostIP: String = "127.0.0.1",
                fabric: HostFabric? = nil) {
        self.name = name
        self.driver = driver
        self.vcpus = vcpus
        self.ramMB = ramMB
        self.diskGB = diskGB
        self.hostIP = hostIP
        self.fabric = fabric
    }
}

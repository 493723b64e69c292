import CloudModel
/// Passes hosts with enough free virtual CPUs (after the CPU allocation ratio).
public struct VCPUFilter: HostFilter {
    public init() {}
    public var name: String { "VCPUFilter" }
    public func passes(_ host: HostSnapshot, for request: PlacementRequest) -> Bool {
        host.host.free.vcpus >= request.resources.vcpus
    }
}

import CloudModel
/// Passes hosts with enough free local disk.
public struct DiskFilter: HostFilter {
    public init() {}
    public var name: String { "DiskFilter" }
    public func passes(_ host: HostSnapshot, for request: PlacementRequest) -> Bool {
        host.host.free.diskGB >= request.resources.diskGB
    }
}

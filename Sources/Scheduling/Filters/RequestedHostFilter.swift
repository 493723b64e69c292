import CloudModel
/// Passes only the host the user asked for (`zone:host`, by name or ID), or every host when none was.
public struct RequestedHostFilter: HostFilter {
    public init() {}
    public var name: String { "RequestedHostFilter" }
    public func passes(_ host: HostSnapshot, for request: PlacementRequest) -> Bool {
        request.host.map { $0 == host.host.name || $0 == host.host.id } ?? true
    }
}

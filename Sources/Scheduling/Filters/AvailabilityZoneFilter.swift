import CloudModel
/// Passes hosts of the requested availability zone (site), or every host when none was asked.
public struct AvailabilityZoneFilter: HostFilter {
    public init() {}
    public var name: String { "AvailabilityZoneFilter" }
    public func passes(_ host: HostSnapshot, for request: PlacementRequest) -> Bool {
        request.zone.map { $0 == host.host.site } ?? true
    }
}

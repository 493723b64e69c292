/// Decides whether a host can take a server at all. Filters are small values with their
/// parameters given at construction; they never read global configuration.
public protocol HostFilter: Sendable {
    /// A short name for logs and "no valid host" explanations.
    var name: String { get }
    func passes(_ host: HostSnapshot, for request: PlacementRequest) -> Bool
}

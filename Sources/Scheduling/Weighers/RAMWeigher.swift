import CloudModel
/// Prefers hosts with the most free memory: spreads servers (a negative multiplier stacks them).
public struct RAMWeigher: HostWeigher {
    public let multiplier: Double
    public init(multiplier: Double = 1.0) { self.multiplier = multiplier }
    public func rawWeight(_ host: HostSnapshot, for request: PlacementRequest) -> Double {
        Double(host.host.free.ramMB)
    }
}

/// Scores hosts that passed the filters; higher is better. Raw scores are normalised to 0...1
/// across the candidates before `multiplier` applies (as Nova does).
public protocol HostWeigher: Sendable {
    var multiplier: Double { get }
    func rawWeight(_ host: HostSnapshot, for request: PlacementRequest) -> Double
}

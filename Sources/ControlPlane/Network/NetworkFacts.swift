import CloudModel
import Foundation
import StateStore

/// A network and its subnets as a spawn needs them (MTU, VNI, prefixes, gateways, DNS), kept
/// for a second per controller: a burst of boots on one network reads them once a second
/// instead of once per server. A change shows within that second, as with Nova's network info
/// cache; it only shapes what the driver is told (the addresses come from the ports).
actor NetworkFacts {
    struct Facts: Sendable {
        var network: Network?
        var subnets: [Subnet]
    }

    private var cached: [Network.ID: (facts: Facts, at: ContinuousClock.Instant)] = [:]
    static let lifetime: Duration = .seconds(1)

    func facts(_ id: Network.ID, store: Store) async throws -> Facts {
        let now = ContinuousClock.now
        if let entry = cached[id], now - entry.at < Self.lifetime { return entry.facts }
        let facts = Facts(network: try await store.networks.network(id)?.value,
                          subnets: try await store.networks.subnets(of: id).map(\.value))
        if cached.count > 10_000 { cached.removeAll() }
        cached[id] = (facts, now)
        return facts
    }
}

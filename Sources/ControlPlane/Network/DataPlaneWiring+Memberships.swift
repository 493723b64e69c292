import CloudModel
import Foundation

extension DataPlaneWiring {
    /// What a controller has seen of the data plane: the (network, host) pairs it knows are wired,
    /// hosts that answered they have no data plane and networks whose hosts all did (asked again
    /// after a minute), and the updates running per network (a later one only asks for one more
    /// round, with the hosts it saw leave).
    actor Memberships {
        private var joined: Set<String> = []
        private var bare: [String: ContinuousClock.Instant] = [:]
        private var allBareSince: [Network.ID: ContinuousClock.Instant] = [:]
        private var running: [Network.ID: Set<Leaving>] = [:]
        private var dirty: Set<Network.ID> = []
        static let retry = Duration.seconds(60)

        func join(_ network: Network.ID, _ host: String) -> Bool { joined.insert("\(network)|\(host)").inserted }
        func leave(_ network: Network.ID, _ host: String) { joined.remove("\(network)|\(host)") }
        func isBare(_ host: String) -> Bool { bare[host].map { ContinuousClock.now - $0 < Self.retry } ?? false }
        func allBare(_ network: Network.ID) -> Bool { allBareSince[network].map { ContinuousClock.now - $0 < Self.retry } ?? false }
        func markAllBare(_ network: Network.ID) { allBareSince[network] = ContinuousClock.now }
        func markBare(_ host: String, _ value: Bool) {
            bare[host] = value ? ContinuousClock.now : nil
        }

        /// Whether the caller runs the network's update (false: one is running and will go once more).
        func begin(_ network: Network.ID, leaving: Leaving?) -> Bool {
            dirty.insert(network)
            if running[network] != nil {
                if let leaving { running[network]?.insert(leaving) }
                return false
            }
            running[network] = leaving.map { [$0] } ?? []
            return true
        }

        /// The next round's leaving hosts, or nil (and the update ends) when nothing asked for one.
        func next(_ network: Network.ID) -> Set<Leaving>? {
            guard dirty.remove(network) != nil else {
                running[network] = nil
                return nil
            }
            allBareSince[network] = nil
            defer { running[network] = [] }
            return running[network] ?? []
        }
    }
}

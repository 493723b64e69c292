import LUCBase
import CloudModel
import Foundation

/// What one controller remembers between address picks, so that a pick reads one block's keys
/// instead of every held block's: for each site and subnet the blocks the site holds (as last
/// read or leased here) and the block and place the last free address came from, and the addresses handed
/// out in the last seconds (so that concurrent boots through this controller do not all race for
/// the same free address). Only hints: an address is still taken by the port's compare-and-set,
/// and a hint found stale is re-read from the store.
actor AddressPicks {
    struct Key: Hashable {
        let site: Site.ID
        let subnet: Subnet.ID
    }

    private var held: [Key: [Int]] = [:]
    private var cursor: [Key: Int] = [:]
    private var offsets: [Key: Int] = [:]
    private var recent: [Subnet.ID: [IPv4Address: ContinuousClock.Instant]] = [:]
    /// Serialises this controller's block leases per site and subnet.
    nonisolated let leases = KeyedLock()
    /// How long a handed-out address is skipped by other picks here (its boot commits well within).
    static let reservation: Duration = .seconds(30)

    func heldBlocks(_ key: Key) -> [Int]? { held[key] }

    func remember(held blocks: [Int], for key: Key) {
        held[key] = blocks.sorted()
        if let c = cursor[key], c >= blocks.count { cursor[key] = 0; offsets[key] = 0 }
    }

    /// The position in the held blocks where the next pick starts.
    func start(_ key: Key) -> Int { cursor[key] ?? 0 }

    /// Where in the cursor's block the next pick starts (just after the last address picked).
    func offset(_ key: Key) -> Int { offsets[key] ?? 0 }

    func moveCursor(_ key: Key, to position: Int, offset: Int) {
        cursor[key] = position
        offsets[key] = offset
    }

    /// Which of `candidates` were handed out here recently.
    func reserved(_ candidates: [IPv4Address], in subnet: Subnet.ID) -> Set<IPv4Address> {
        guard let recent = recent[subnet] else { return [] }
        let now = ContinuousClock.now
        return Set(candidates.filter { recent[$0].map { now - $0 < Self.reservation } ?? false })
    }

    /// Marks `address` handed out; false if it already was (another pick here has it).
    func reserve(_ address: IPv4Address, in subnet: Subnet.ID) -> Bool {
        let now = ContinuousClock.now
        if let at = recent[subnet]?[address], now - at < Self.reservation { return false }
        if let count = recent[subnet]?.count, count > 4096 { recent[subnet] = recent[subnet]?.filter { now - $0.value < Self.reservation } }
        recent[subnet, default: [:]][address] = now  // in place: no copy of the subnet's entries
        return true
    }

    /// Forgets a reservation (the address was given back or its boot failed before committing).
    func release(_ address: IPv4Address, in subnet: Subnet.ID) { recent[subnet]?[address] = nil }
}

import LUCBase
public import CloudModel
import Foundation
import StateStore

/// Picks a port's address at one site without a central allocator (DESIGN §3.5, §8.1): from the
/// blocks of the subnet the site holds, with the site's own record of used addresses; a new block
/// is leased from `global` with one compare-and-set only when the held ones are full. The address
/// itself is taken by the port's commit (a compare-and-set on the address key), so two picks of
/// the same address cannot both succeed. `AddressPicks` keeps a pick to one block's keys.
struct AddressAllocator: Sendable {
    let store: Store
    let site: Site
    /// This controller's hints (held blocks, where the last address came from, recent picks).
    let picks: AddressPicks
    /// Address keys read at once while looking for a free one in a block.
    static let readChunk = 8

    /// A free address of `subnet` for a port at this site (`wanted` if given), not among `taken`
    /// (addresses already chosen for the same port or transaction).
    func pick(in subnet: Subnet, wanted: IPv4Address?, taken: Set<IPv4Address> = []) async throws -> IPv4Address {
        let blocks = AddressBlocks(subnet)
        let ports = store.ports(site.id)
        let key = AddressPicks.Key(site: site.id, subnet: subnet.id)
        if let wanted { return try await pickWanted(wanted, in: subnet, blocks: blocks, taken: taken) }
        var fresh = false
        for _ in 0..<16 {
            // The held blocks as this controller last knew them; read again when they look full.
            var held = fresh ? nil : await picks.heldBlocks(key)
            if held == nil {
                let leases = try await store.networks.blocks(of: subnet.id)
                held = leases.filter { $0.value.site == site.id }.keys.sorted()
                await picks.remember(held: held ?? [], for: key)
            }
            let order = held ?? []
            // Start at the block the last address came from: a few of one block's keys are read,
            // not every held block's.
            let start = await picks.start(key)
            for step in 0..<order.count {
                let position = (start + step) % order.count
                let block = order[position], size = blocks.count(in: block)
                // In the block the last address came from, go on just after it (then wrap, for
                // addresses given back); a pick reads a few keys at a time, not the whole block.
                let from = step == 0 ? await picks.offset(key) % max(size, 1) : 0
                var scanned = 0
                while scanned < size {
                    let chunk = (scanned..<min(scanned + Self.readChunk, size))
                        .compactMap { blocks.address(at: block * blocks.size + (from + $0) % size) }
                        .filter { !taken.contains($0) }
                    scanned += Self.readChunk
                    let skip = await picks.reserved(chunk, in: subnet.id)
                    let open = chunk.filter { !skip.contains($0) }
                    guard !open.isEmpty else { continue }
                    let used = try await ports.taken(open, in: subnet.id)
                    for free in open where !used.contains(free) {
                        if await picks.reserve(free, in: subnet.id) {
                            let inBlock = (blocks.position(of: free) ?? 0) - block * blocks.size
                            await picks.moveCursor(key, to: position, offset: inBlock + 1)
                            return free
                        }
                    }
                }
            }
            if !fresh {
                fresh = true  // another controller of this site may hold blocks this one does not know of
                continue
            }
            // Every held block is full: lease one more, starting where this site's index points so
            // that sites leasing at the same time seldom want the same block. One lease at a time
            // per site and subnet here: concurrent picks that found the same blocks full wait, and
            // take from the block the first one leased instead of leasing one each.
            let scanned = order
            try await picks.leases.withLock("\(site.id)/\(subnet.id)") {
                let leases = try await store.networks.blocks(of: subnet.id)
                let heldNow = leases.filter { $0.value.site == site.id }.keys.sorted()
                guard heldNow == scanned else {
                    await picks.remember(held: heldNow, for: key)  // another pick here leased meanwhile
                    return
                }
                let count = blocks.count
                guard count > 0, let index = (0..<count).map({ ($0 + Int(site.index) * 7) % count }).first(where: { leases[$0] == nil }) else {
                    throw ControlPlaneError(.conflict, "No more IP addresses available on network \(subnet.networkID) (subnet \(subnet.id)).",
                                            kind: "IpAddressGenerationFailure")
                }
                _ = try await lease(index, of: subnet)
            }
            fresh = true
        }
        throw ControlPlaneError(.conflict, "No address of subnet \(subnet.id) could be leased after repeated races; try again.",
                                kind: "IpAddressGenerationFailure")
    }

    /// An address asked for by the user: from a block this site holds, or one it can lease.
    private func pickWanted(_ wanted: IPv4Address, in subnet: Subnet, blocks: AddressBlocks, taken: Set<IPv4Address>) async throws
        -> IPv4Address
    {
        guard let index = blocks.block(of: wanted) else {
            throw ControlPlaneError(.badRequest, "IP address \(wanted) is not in an allocation pool of subnet \(subnet.id): this cloud hands out addresses from the pools only.",
                                    kind: "InvalidIpForSubnet")
        }
        for _ in 0..<16 {
            let leases = try await store.networks.blocks(of: subnet.id)
            let wantedTaken = try await store.ports(site.id).taken([wanted], in: subnet.id)
            if taken.contains(wanted) || !wantedTaken.isEmpty {
                throw ControlPlaneError(.conflict, "IP address \(wanted) already allocated in subnet \(subnet.id)", kind: "IpAddressAlreadyAllocated")
            }
            switch leases[index]?.site {
            case site.id?: return wanted
            case let other?:
                throw ControlPlaneError(.conflict, "IP address \(wanted) of subnet \(subnet.id) is in a block held by site \(other): ask for it there, or leave the address to this cloud.",
                                        kind: "IpAddressAlreadyAllocated")
            case nil:
                if try await lease(index, of: subnet) { return wanted }
            }
        }
        throw ControlPlaneError(.conflict, "No address of subnet \(subnet.id) could be leased after repeated races; try again.",
                                kind: "IpAddressGenerationFailure")
    }

    /// Leases block `index` to this site; false when another site took it first.
    private func lease(_ index: Int, of subnet: Subnet) async throws -> Bool {
        var txn = Transaction()
        store.networks.stageLease(block: index, of: subnet.id, to: site.id, into: &txn)
        do {
            try await store.commit(txn, in: .global)
            return true
        } catch let error as StoreError where error.code == .conflict {
            return false
        } catch let error as StoreError where error.code == .unavailable {
            throw ControlPlaneError(.conflict, "Site \(site.id) holds no free address of subnet \(subnet.id) and cannot lease another block while the global store does not answer.",
                                    kind: "IpAddressGenerationFailure")
        }
    }
}

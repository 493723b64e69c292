public import CloudModel
import Foundation

/// Floating IPs of one site's external networks, in `site/<id>`.
///
/// Key layout: `fips/<id>`; the address is taken as a port's would be, `ips/<subnet>/<address>`
/// (holding the floating IP's ID), so a floating IP and a router's gateway port of the same
/// site can never get the same address; `idx/fip-fixed/<port>/<fixed address>` holds the floating
/// IP associated with that fixed address (at most one).
public struct FloatingIPRepository: Sendable {
    let table: RecordTable<StoredFloatingIP>

    init(engine: any KeyValueEngine, site: Site.ID) {
        table = RecordTable(engine: engine, keyspace: .site(site), prefix: "fips/")
    }

    static func fixedKey(_ a: FloatingIP.Association) -> String { "idx/fip-fixed/\(a.portID)/\(a.fixedAddress)" }

    /// Whether a floating IP is associated with that port's fixed address.
    public func isAssociated(_ a: FloatingIP.Association) async throws -> Bool {
        try await table.engine.get(Self.fixedKey(a), in: table.keyspace) != nil
    }

    public func find(_ id: FloatingIP.ID) async throws -> Versioned<FloatingIP>? { try await table.find(id) }
    public func all() async throws -> [Versioned<FloatingIP>] { try await table.all() }

    /// Creates the floating IP, taking its address (which must be free).
    public func stageCreate(_ fip: FloatingIP, into txn: inout Transaction) {
        table.stagePut(fip, id: fip.id, expecting: nil, into: &txn)
        let key = PortRepository.addressKey(fip.subnetID, fip.address)
        txn.require(key, at: nil)
        txn.put(key, Data(fip.id.utf8))
        if let a = fip.association { stageTake(a, fip: fip.id, into: &txn) }
    }

    /// Writes a changed floating IP (its association), moving its fixed-address index entry.
    public func stageUpdate(_ fip: FloatingIP, from current: Versioned<FloatingIP>, into txn: inout Transaction) {
        table.stagePut(fip, id: fip.id, expecting: current.revision, into: &txn)
        guard current.value.association != fip.association else { return }
        if let old = current.value.association { txn.delete(Self.fixedKey(old)) }
        if let new = fip.association { stageTake(new, fip: fip.id, into: &txn) }
    }

    private func stageTake(_ a: FloatingIP.Association, fip: FloatingIP.ID, into txn: inout Transaction) {
        txn.require(Self.fixedKey(a), at: nil)
        txn.put(Self.fixedKey(a), Data(fip.utf8))
    }

    /// Deletes the floating IP and frees its address.
    public func stageDelete(_ fip: Versioned<FloatingIP>, into txn: inout Transaction) {
        table.stageDelete(id: fip.value.id, expecting: fip.revision, into: &txn)
        txn.delete(PortRepository.addressKey(fip.value.subnetID, fip.value.address))
        if let a = fip.value.association { txn.delete(Self.fixedKey(a)) }
    }
}

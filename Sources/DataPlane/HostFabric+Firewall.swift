public import Foundation
import LUCBase

extension HostFabric {
    /// Makes the network's firewall on this host exactly `ports`' filters (anti-spoofing and
    /// security groups, `FirewallRuleset`), in one nftables transaction; nothing runs when it is
    /// the script this fabric last applied to the network (a restate of an unchanged network).
    public func setFilters(_ ports: [PortFilter], of network: OverlayNetwork) async throws {
        guard Self.nftAvailable else { throw DataPlaneError("nft (nftables) is not installed: security groups cannot be enforced") }
        let script = try FirewallRuleset.render(network, ports: ports)
        guard appliedFilters[network.bridge] != script else { return }
        appliedFilters[network.bridge] = nil
        try await nft(script)
        appliedFilters[network.bridge] = script
    }

    /// Removes the network's firewall tables from this host (missing ones are fine).
    public func removeFilters(of network: OverlayNetwork) async throws {
        guard Self.nftAvailable else { return }  // without nft no table was ever made
        appliedFilters[network.bridge] = nil
        try await nft(FirewallRuleset.removal(network))
    }

    /// Whether nftables' `nft` is installed (security groups need it).
    public static var nftAvailable: Bool {
        ["/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The LUC firewall tables on this host (`family table` lines), to find leftovers.
    public func firewallTables() async throws -> [String] {
        guard Self.nftAvailable else { return [] }
        return try await runNFT(["list", "tables"]).output.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("table ") && $0.contains(" luc-") }
            .map { String($0.dropFirst("table ".count)) }
    }

    func nft(_ script: String) async throws { try await DataPlaneCommand.nftScript(script, in: namespace) }

    func runNFT(_ arguments: [String]) async throws -> HostCommand.Result { try await DataPlaneCommand.nft(arguments, in: namespace) }
}

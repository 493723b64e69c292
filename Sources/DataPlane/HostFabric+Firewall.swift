public import Foundation
import LUCBase

extension HostFabric {
    /// Makes the network's firewall on this host exactly `ports`' filters (anti-spoofing and
    /// security groups, `FirewallRuleset`), in one nftables transaction.
    public func setFilters(_ ports: [PortFilter], of network: OverlayNetwork) async throws {
        guard Self.nftAvailable else { throw DataPlaneError("nft (nftables) is not installed: security groups cannot be enforced") }
        try await nft(try FirewallRuleset.render(network, ports: ports))
    }

    /// Removes the network's firewall tables from this host (missing ones are fine).
    public func removeFilters(of network: OverlayNetwork) async throws {
        guard Self.nftAvailable else { return }  // without nft no table was ever made
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

    func nft(_ script: String) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("luc-nft-\(UUID().uuidString).nft")
        try Data(script.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try await runNFT(["-f", file.path])
    }

    @discardableResult
    func runNFT(_ arguments: [String]) async throws -> HostCommand.Result {
        let command = namespace.map { ["netns", "exec", $0, "nft"] + arguments }
        do {
            if let command { return try await HostCommand.run("ip", command, timeout: .seconds(10)) }
            return try await HostCommand.run("nft", arguments, timeout: .seconds(10))
        } catch let error as HostCommandError {
            throw DataPlaneError("\(error)")
        }
    }
}

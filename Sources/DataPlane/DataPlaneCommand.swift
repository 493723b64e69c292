import Foundation
import LUCBase

/// The data plane's way of running `ip`, `bridge` and `nft`: a failure is a `DataPlaneError`.
enum DataPlaneCommand {
    @discardableResult
    static func run(_ command: [String], check: Bool = true) async throws -> HostCommand.Result {
        do {
            return try await HostCommand.run(command[0], Array(command.dropFirst()), timeout: .seconds(10), check: check)
        } catch let error as HostCommandError {
            throw DataPlaneError("\(error)")
        }
    }

    /// The network namespaces of this machine.
    static func namespaces() async throws -> Set<String> {
        Set(try await run(["ip", "netns", "list"]).output.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
    }

    /// Runs `nft` with `arguments`, in `namespace` (nil: this one).
    @discardableResult
    static func nft(_ arguments: [String], in namespace: String?) async throws -> HostCommand.Result {
        try await run((namespace.map { ["ip", "netns", "exec", $0] } ?? []) + ["nft"] + arguments)
    }

    /// Applies an nftables script in one transaction, in `namespace` (nil: this one).
    static func nftScript(_ script: String, in namespace: String?) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("luc-nft-\(UUID().uuidString).nft")
        try Data(script.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try await nft(["-f", file.path], in: namespace)
    }
}

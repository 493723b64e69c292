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
}

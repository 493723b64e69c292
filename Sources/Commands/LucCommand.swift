public import ArgumentParser

/// `luc`: runs and operates a LUC OS cloud.
public struct LucCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "luc",
        abstract: "LUC OS: many small data centres operated as one OpenStack-compatible cloud.",
        subcommands: [DemoCommand.self, LabCommand.self, ControllerCommand.self, ComputeCommand.self, StatusCommand.self, BenchCommand.self])

    public init() {}
}

extension LucCommand {
    /// Parses the process arguments and runs the command.
    public static func runFromCommandLine() async {
        await main()
    }
}

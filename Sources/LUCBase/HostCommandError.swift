/// A host tool that could not be run, timed out or failed (with `check`): the command line, its
/// status and the end of its output, for the caller to wrap in its own module's error.
public struct HostCommandError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

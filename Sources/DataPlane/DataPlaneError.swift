/// A host networking step that failed: which device or entry, and what the tool answered.
public struct DataPlaneError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

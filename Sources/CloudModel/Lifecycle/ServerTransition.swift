/// Everything one lifecycle decision changes, as values: the task runner commits it in one
/// transaction and decides nothing itself.
public struct ServerTransition: Sendable, Hashable {
    /// How the instance action of the server's current request ends.
    public enum ActionResult: Sendable, Hashable {
        case success
        case error(String)
    }

    /// The server after the event; nil when its record is removed (a finished deletion).
    public var server: Server?
    /// The host whose resources claimed for this server are given back.
    public var releasedClaim: ComputeHost.ID?
    /// The end of the current instance action, if the event ends it.
    public var action: ActionResult?
    /// The change to the project's usage in the server's site (a deletion gives the server's back).
    public var usage: Usage

    public init(server: Server?, releasedClaim: ComputeHost.ID? = nil, action: ActionResult? = nil, usage: Usage = Usage()) {
        self.server = server
        self.releasedClaim = releasedClaim
        self.action = action
        self.usage = usage
    }
}

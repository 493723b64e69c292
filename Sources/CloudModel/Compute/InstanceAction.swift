public import Foundation

/// One user request on a server and its outcome (Nova's instance actions).
public struct InstanceAction: Sendable, Hashable {
    public var serverID: Server.ID
    public var action: String
    public var requestID: String
    public var userID: String
    public var projectID: String
    public var startTime: Date
    public var finishTime: Date?
    /// nil while running, then "Success" or "Error".
    public var result: String?
    public var message: String?

    public init(serverID: Server.ID, action: String, requestID: String, userID: String, projectID: String,
                startTime: Date) {
        self.serverID = serverID
        self.action = action
        self.requestID = requestID
        self.userID = userID
        self.projectID = projectID
        self.startTime = startTime
    }
}

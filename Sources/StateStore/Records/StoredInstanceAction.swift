import CloudModel
import Foundation

/// Version 1 of the stored form of an `InstanceAction`.
struct StoredInstanceAction: Codable {
    var v = 1
    var server: String
    var action: String
    var req: String
    var user: String
    var project: String
    var start: Date
    var finish: Date?
    var result: String?
    var message: String?

    init(_ a: InstanceAction) {
        server = a.serverID; action = a.action; req = a.requestID; user = a.userID; project = a.projectID
        start = a.startTime; finish = a.finishTime; result = a.result; message = a.message
    }

    var model: InstanceAction {
        var a = InstanceAction(serverID: server, action: action, requestID: req, userID: user, projectID: project,
                               startTime: start)
        a.finishTime = finish; a.result = result; a.message = message
        return a
    }
}

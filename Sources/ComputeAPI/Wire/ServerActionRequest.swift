import CloudModel
import OpenStackHTTP

/// `POST /servers/{id}/action` body: exactly one action.
enum ServerActionRequest {
    case lifecycle(ServerAction)
    case consoleOutput(lines: Int?)
    case lock(reason: String?)
    case unlock
    case triggerCrashDump
    /// `addSecurityGroup` / `removeSecurityGroup` with the group's name or ID.
    case securityGroup(String, add: Bool)

    init(_ body: JSON, version: APIVersion) throws {
        guard let members = body.members, members.count == 1, let (name, argument) = members.first else {
            throw APIError.badRequest("The action body must be an object with exactly one action.")
        }
        switch name {
        case "os-stop": self = .lifecycle(.stop)
        case "os-start": self = .lifecycle(.start)
        case "pause": self = .lifecycle(.pause)
        case "unpause": self = .lifecycle(.unpause)
        case "suspend": self = .lifecycle(.suspend)
        case "resume": self = .lifecycle(.resume)
        case "reboot":
            switch argument["type"]?.string?.uppercased() {
            case "HARD": self = .lifecycle(.reboot(hard: true))
            case "SOFT": self = .lifecycle(.reboot(hard: false))
            default: throw APIError.badRequest("Invalid input for field/attribute type: must be 'SOFT' or 'HARD'.")
            }
        case "lock":
            if ComputeFeature.lockedReason.served(at: version), let members = argument.members, !members.isEmpty {
                guard members.count == 1, members[0].0 == "locked_reason", let reason = members[0].1.string else {
                    throw APIError.badRequest("Invalid input for field/attribute lock: only 'locked_reason' (a string) is allowed.")
                }
                self = .lock(reason: reason)
                return
            }
            guard argument.isNull || argument.members?.isEmpty == true else {
                throw APIError.badRequest("Invalid input for field/attribute lock: a reason needs microversion 2.73.")
            }
            self = .lock(reason: nil)
        case "unlock": self = .unlock
        case "trigger_crash_dump" where ComputeFeature.crashDump.served(at: version):
            guard argument.isNull else { throw APIError.badRequest("Invalid input for field/attribute trigger_crash_dump: must be null.") }
            self = .triggerCrashDump
        case "addSecurityGroup", "removeSecurityGroup":
            guard let group = argument["name"]?.string, !group.isEmpty, argument.members?.count == 1 else {
                throw APIError.badRequest("Invalid input for field/attribute \(name): an object with 'name' (a security group's name or ID) only.")
            }
            self = .securityGroup(group, add: name == "addSecurityGroup")
        case "os-getConsoleOutput":
            guard argument.isNull || argument.members != nil else {
                throw APIError.badRequest("Invalid input for field/attribute os-getConsoleOutput: must be an object.")
            }
            switch argument["length"] {
            case nil, .null?: self = .consoleOutput(lines: nil)
            case let value?:
                guard let n = value.int ?? value.string.flatMap({ Int($0) }), n >= -1 else {
                    throw APIError.badRequest("Invalid input for field/attribute length: must be an integer >= -1.")
                }
                self = .consoleOutput(lines: n == -1 ? nil : n)
            }
        default:
            throw APIError.badRequest("There is no such action: \(name)")
        }
    }
}

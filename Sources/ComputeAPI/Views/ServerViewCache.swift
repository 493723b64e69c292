import CloudModel
import Foundation
import OpenStackHTTP
import Synchronization

/// Serialised detail views of servers, reused while the server is unchanged: a detail list of
/// ten thousand servers then costs a copy of bytes per server instead of building and writing
/// thirty JSON members each.
///
/// Every change to a server moves its `updatedAt`; the stamp also holds the state fields, so a
/// cached view is never served for a changed server.
final class ServerViewCache: Sendable {
    private struct Stamp: Equatable {
        var updatedAt: Date
        var vmState: VMState
        var taskState: TaskState?
        var powerState: PowerState
        var hostName: String?
        var name: String
        var unreachable: Bool
        var locked: Bool
        var admin: Bool
        var version: APIVersion
        var hostStatus: String?
        var nics: [ServerNIC]

        init(_ s: Server, admin: Bool, version: APIVersion, hostStatus: String?) {
            updatedAt = s.updatedAt
            vmState = s.vmState
            taskState = s.taskState
            powerState = s.powerState
            hostName = s.hostName
            name = s.name
            unreachable = s.unreachable
            locked = s.locked
            self.admin = admin
            self.version = version
            self.hostStatus = hostStatus
            nics = s.nics
        }
    }

    private let entries = Mutex<[String: (Stamp, [UInt8])]>([:])
    private let capacity = 100_000

    /// The detail view of `server` as JSON bytes, built by `view` on a miss.
    func detail(_ server: Server, admin: Bool, version: APIVersion, hostStatus: String?, view: (Server) -> JSON) -> JSON {
        let stamp = Stamp(server, admin: admin, version: version, hostStatus: hostStatus)
        let key = (admin ? "a\(version):" : "\(version):") + server.id
        if let (cached, bytes) = entries.withLock({ $0[key] }), cached == stamp { return .raw(bytes) }
        let bytes = view(server).serialized()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (stamp, bytes)
        }
        return .raw(bytes)
    }
}

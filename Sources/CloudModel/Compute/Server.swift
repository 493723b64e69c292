public import Foundation

/// A virtual machine a user asked for, from request to deletion.
public struct Server: Sendable, Hashable {
    public typealias ID = String
    public var id: ID
    public var name: String
    public var projectID: String
    public var userID: String
    /// Home site (availability zone); fixed at creation.
    public var site: Site.ID
    /// The host the server is placed on, once scheduled.
    public var hostID: ComputeHost.ID?
    public var hostName: String?
    public var flavor: Flavor
    public var imageID: String
    public var keyName: String?
    public var metadata: [String: String]
    public var userData: String?
    public var accessIPv4: String
    public var accessIPv6: String
    public var vmState: VMState
    public var taskState: TaskState?
    public var powerState: PowerState
    public var createdAt: Date
    public var updatedAt: Date
    public var launchedAt: Date?
    public var terminatedAt: Date?
    public var fault: Fault?
    /// The controller driving the current task, and when it must be done by.
    public var taskOwner: String?
    public var taskDeadline: Date?
    /// Free text the user gave it (2.19), at most 255 characters.
    public var description: String?
    /// The server group it belongs to, if any (scheduler hint `group` at boot).
    public var groupID: String?
    /// The host the user asked for (`zone:host`), by name or ID; the scheduler considers no other.
    public var requestedHost: String?
    /// Hosts a failed spawn already tried (rescheduling avoids them).
    public var triedHosts: [ComputeHost.ID]
    /// The request of the server's current (or last) action; the create request at first.
    public var requestID: String
    /// The reservation of the boot request that created it (`r-…`), and its index among the
    /// servers of that request.
    public var reservationID: String
    public var launchIndex: Int
    /// Whether the server is locked against changes by non-admins, and who locked it.
    public var locked: Bool
    public var lockedBy: LockHolder?

    /// Why it was locked (2.73), if a reason was given.
    public var lockedReason: String?
    /// The user's tags (2.26): at most 50, each 1 to 60 characters without `,` or `/`, in the
    /// order they were added.
    public var tags: [String]
    /// The availability zone the user asked for at boot (2.96 `pinned_availability_zone`).
    public var pinnedZone: String?
    /// The scheduler hints given at boot, each as a list of strings (the `group` hint lives in
    /// `groupID`), shown from 2.100.
    public var schedulerHints: [String: [String]]
    /// The image's standard properties (`hw_*`, `os_*`, `img_*`, …) when the server was booted
    /// (2.98).
    public var imageProperties: [String: String]
    /// The guest hostname the user set (2.90); derived from the name otherwise.
    public var requestedHostname: String?
    /// Its NICs, in order, and the names of its security groups.
    public var nics: [ServerNIC] = []
    public var securityGroupNames: [String] = []
    /// Its volumes, in the order they were attached (attaching ones included).
    public var volumes: [ServerVolume] = []
    /// Its root volume when it boots from one (its `imageID` is then empty, as in Nova).
    public var bootVolume: BootVolume?
    /// The other volumes its block device mappings gave it at boot, in device order.
    public var dataVolumesAtBoot: [BootVolume] = []

    /// Every volume given at boot: the root one first.
    public var volumesAtBoot: [BootVolume] { (bootVolume.map { [$0] } ?? []) + dataVolumesAtBoot }

    /// Who holds a server's lock: its project, or an admin (whom only admins can unlock).
    public enum LockHolder: String, Sendable, Hashable {
        case owner, admin
    }
    /// Set when the server's site did not answer in time and only its sighting is known
    /// (`Server.unreachable(_:)`): the status shows UNKNOWN. Never stored.
    public var unreachable = false

    public init(id: ID, name: String, projectID: String, userID: String, site: Site.ID, flavor: Flavor,
                imageID: String, keyName: String?, metadata: [String: String], userData: String?,
                accessIPv4: String = "", accessIPv6: String = "", createdAt: Date, requestID: String) {
        self.id = id
        self.name = name
        self.projectID = projectID
        self.userID = userID
        self.site = site
        self.hostID = nil
        self.hostName = nil
        self.flavor = flavor
        self.imageID = imageID
        self.keyName = keyName
        self.metadata = metadata
        self.userData = userData
        self.accessIPv4 = accessIPv4
        self.accessIPv6 = accessIPv6
        self.vmState = .building
        self.taskState = .scheduling
        self.powerState = .noState
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.launchedAt = nil
        self.terminatedAt = nil
        self.fault = nil
        self.taskOwner = nil
        self.taskDeadline = nil
        self.requestedHost = nil
        self.groupID = nil
        self.description = nil
        self.triedHosts = []
        self.requestID = requestID
        self.reservationID = ""
        self.launchIndex = 0
        self.locked = false
        self.lockedBy = nil
        self.lockedReason = nil
        self.tags = []
        self.pinnedZone = nil
        self.schedulerHints = [:]
        self.imageProperties = [:]
        self.requestedHostname = nil
    }

    /// The guest hostname Nova derives from the display name: lowercase letters, digits and
    /// dashes, at most 63 characters.
    public var hostname: String {
        if let requestedHostname { return requestedHostname }
        let cleaned = String(name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) || $0 == "-" ? $0 : "-" }
            .prefix(63)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return cleaned.isEmpty ? "server-\(id.prefix(8))" : cleaned
    }

    /// A server of a cut-off site known only from a sighting: `unreachable`, status UNKNOWN,
    /// and only the sighting's fields are meaningful.
    public static func unreachable(_ seen: ServerSighting) -> Server {
        var server = Server(id: seen.id, name: "", projectID: seen.projectID, userID: seen.userID, site: seen.site,
                            flavor: seen.flavor, imageID: seen.imageID, keyName: nil, metadata: [:], userData: nil,
                            createdAt: seen.createdAt, requestID: "")
        server.unreachable = true
        server.taskState = nil
        return server
    }

    public var status: ServerStatus { unreachable ? .unknown : ServerStatus(vmState: vmState, taskState: taskState) }

    /// What the server counts against its project's quota.
    public var usage: Usage { Usage(instances: 1, cores: flavor.vcpus, ramMB: flavor.ramMB) }
}

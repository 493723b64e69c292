public import CloudModel

/// A validated request to boot one or more servers (decoded from the API's wire format).
public struct CreateServerCommand: Sendable, Hashable {
    public var name: String
    public var flavorRef: String
    /// The image to boot; empty when the server boots from a volume (`bootVolume`).
    public var imageRef: String
    public var availabilityZone: String?
    /// A host of that zone the server must go to (`zone:host`); admins only, as in Nova.
    public var host: String?
    /// The server group the servers join (scheduler hint `group`).
    public var groupID: String?
    /// Free text (2.19).
    public var description: String?
    public var keyName: String?
    public var metadata: [String: String]
    public var userData: String?
    public var accessIPv4: String
    public var accessIPv6: String
    public var minCount: Int
    public var maxCount: Int
    /// Tags at boot (2.52), validated as the tags API does.
    public var tags: [String] = []
    /// The guest hostname (2.90); derived from the name when absent.
    public var hostname: String?
    /// Scheduler hints other than `group`, kept to be shown (2.100); each value a list of strings.
    public var schedulerHints: [String: [String]] = [:]
    /// The NICs asked for (`networks`).
    public var networks: NetworkChoice = .unspecified
    /// Security groups by name or ID for the ports made at boot (the project's `default` if none).
    public var securityGroups: [String]? = nil

    /// The root volume asked for in `block_device_mapping_v2` (boot index 0, destination volume).
    public var bootVolume: BootVolumeRequest? = nil
    /// The other volumes asked for in `block_device_mapping_v2` (destination volume, another
    /// boot index), in order: they appear from `/dev/vdc`.
    public var dataVolumes: [BootVolumeRequest] = []

    /// A volume at boot: made from an image or a snapshot (of `sizeGB`, defaulting to the
    /// snapshot's), blank (of `sizeGB`), or an existing volume.
    public struct BootVolumeRequest: Sendable, Hashable {
        public var source: BootVolume.Source
        public var sizeGB: Int?
        public var typeName: String?
        public var deleteOnTermination: Bool
        public init(source: BootVolume.Source, sizeGB: Int? = nil, typeName: String? = nil, deleteOnTermination: Bool = false) {
            self.source = source
            self.sizeGB = sizeGB
            self.typeName = typeName
            self.deleteOnTermination = deleteOnTermination
        }
    }

    /// Nova's `networks` at boot.
    public enum NetworkChoice: Sendable, Hashable {
        /// Not given (2.1–2.36): the project's only network if it has exactly one.
        case unspecified
        /// `"auto"`: as unspecified (no auto-allocated topology here).
        case auto
        /// `"none"`: no NIC.
        case none
        case list([NetworkRequest])
    }

    /// One NIC: a new port on a network (optionally with a fixed IP), or an existing port.
    public struct NetworkRequest: Sendable, Hashable {
        public var networkID: String?
        public var portID: String?
        public var fixedIP: String?
        /// The device tag (2.32, 2.42+ at boot; 2.49+ at attach), shown in interface views (2.70+).
        public var tag: String?
        public init(networkID: String? = nil, portID: String? = nil, fixedIP: String? = nil, tag: String? = nil) {
            self.networkID = networkID
            self.portID = portID
            self.fixedIP = fixedIP
            self.tag = tag
        }
    }

    public init(name: String, flavorRef: String, imageRef: String, availabilityZone: String? = nil,
                host: String? = nil, groupID: String? = nil, description: String? = nil, keyName: String? = nil, metadata: [String: String] = [:], userData: String? = nil,
                accessIPv4: String = "", accessIPv6: String = "", minCount: Int = 1, maxCount: Int = 1) {
        self.name = name
        self.flavorRef = flavorRef
        self.imageRef = imageRef
        self.availabilityZone = availabilityZone
        self.host = host
        self.groupID = groupID
        self.description = description
        self.keyName = keyName
        self.metadata = metadata
        self.userData = userData
        self.accessIPv4 = accessIPv4
        self.accessIPv6 = accessIPv6
        self.minCount = minCount
        self.maxCount = maxCount
    }
}


public import CloudModel

/// What a volume create asks for (Cinder's `volume` body); nil members were not given.
public struct VolumeFields: Sendable {
    public var sizeGB: Int?
    public var name: String?
    public var description: String?
    public var typeName: String?
    public var availabilityZone: String?
    public var imageID: String?
    public var snapshotID: String?
    public var sourceVolumeID: String?
    public var metadata: [String: String]?
    public init() {}
}

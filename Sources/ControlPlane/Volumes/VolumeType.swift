/// A volume type. This cloud has one, Cinder's default: every site's storage is the same kind.
public struct VolumeType: Sendable, Hashable {
    public var id: String
    public var name: String
    public var description: String

    /// Cinder's `__DEFAULT__` type.
    public static let defaultType = VolumeType(id: "6ae4a2f4-5c3b-4d6e-8e0f-1a2b3c4d5e6f", name: "__DEFAULT__",
                                               description: "Default Volume Type")
    public static let all = [defaultType]

    /// The type named or with ID `nameOrID`, or nil.
    public static func find(_ nameOrID: String) -> VolumeType? {
        all.first { $0.name == nameOrID || $0.id == nameOrID }
    }
}

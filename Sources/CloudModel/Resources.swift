/// An amount of host resources: virtual CPUs, memory and local disk.
public struct Resources: Sendable, Hashable, Codable {
    public var vcpus: Int
    public var ramMB: Int
    public var diskGB: Int

    public init(vcpus: Int, ramMB: Int, diskGB: Int) {
        self.vcpus = vcpus
        self.ramMB = ramMB
        self.diskGB = diskGB
    }

    public static let zero = Resources(vcpus: 0, ramMB: 0, diskGB: 0)

    public static func + (a: Resources, b: Resources) -> Resources {
        Resources(vcpus: a.vcpus + b.vcpus, ramMB: a.ramMB + b.ramMB, diskGB: a.diskGB + b.diskGB)
    }

    public static func - (a: Resources, b: Resources) -> Resources {
        Resources(vcpus: a.vcpus - b.vcpus, ramMB: a.ramMB - b.ramMB, diskGB: a.diskGB - b.diskGB)
    }

    /// True when every component of `other` is at most this one's.
    public func covers(_ other: Resources) -> Bool {
        vcpus >= other.vcpus && ramMB >= other.ramMB && diskGB >= other.diskGB
    }
}

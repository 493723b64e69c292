/// A named size of server: what a server of this flavor claims on its host.
public struct Flavor: Sendable, Hashable {
    public typealias ID = String
    public var id: ID
    public var name: String
    public var vcpus: Int
    public var ramMB: Int
    public var diskGB: Int
    public var ephemeralGB: Int
    public var swapMB: Int
    public var isPublic: Bool
    public var disabled: Bool
    public var rxtxFactor: Double
    /// Free text shown from 2.55, at most 65535 characters.
    public var description: String?

    public init(id: ID, name: String, vcpus: Int, ramMB: Int, diskGB: Int, ephemeralGB: Int = 0,
                swapMB: Int = 0, isPublic: Bool = true, disabled: Bool = false, rxtxFactor: Double = 1.0) {
        self.id = id
        self.name = name
        self.vcpus = vcpus
        self.ramMB = ramMB
        self.diskGB = diskGB
        self.ephemeralGB = ephemeralGB
        self.swapMB = swapMB
        self.isPublic = isPublic
        self.disabled = disabled
        self.rxtxFactor = rxtxFactor
    }

    /// What one server of this flavor claims on a host.
    public var resources: Resources {
        Resources(vcpus: vcpus, ramMB: ramMB, diskGB: diskGB + ephemeralGB + (swapMB + 1023) / 1024)
    }

    /// The flavors a new cloud starts with (Nova's classic m1 set, plus a tiny one for simulations).
    public static let defaults: [Flavor] = [
        Flavor(id: "1", name: "m1.tiny", vcpus: 1, ramMB: 512, diskGB: 1),
        Flavor(id: "2", name: "m1.small", vcpus: 1, ramMB: 2048, diskGB: 20),
        Flavor(id: "3", name: "m1.medium", vcpus: 2, ramMB: 4096, diskGB: 40),
        Flavor(id: "4", name: "m1.large", vcpus: 4, ramMB: 8192, diskGB: 80),
        Flavor(id: "5", name: "m1.xlarge", vcpus: 8, ramMB: 16384, diskGB: 160),
        Flavor(id: "42", name: "m1.nano", vcpus: 1, ramMB: 128, diskGB: 1),
    ]
}

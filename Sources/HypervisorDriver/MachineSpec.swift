/// Everything a driver needs to create one virtual machine: the driver's input, not a wire or
/// stored format (the agent protocol has `SpawnRequest`, each driver its own records).
public struct MachineSpec: Sendable, Hashable {
    /// The server's ID; also the machine's name on the host.
    public var serverID: String
    public var name: String
    public var vcpus: Int
    public var ramMB: Int
    public var diskGB: Int
    public var imageID: String
    public var userData: String?
    public var publicKey: String?
    /// The keypair's name (the config drive's `public_keys` key), the guest's hostname and the
    /// availability zone, for the guest's metadata; nil when unknown.
    public var keyName: String?
    public var hostname: String?
    public var zone: String?
    /// Network interfaces, in guest order (eth0 first).
    public var ports: [MachinePort]
    /// Disks attached from the first boot (volumes), in guest order after the image's disk.
    public var disks: [MachineDisk]
    /// The disk the machine boots from when it is a volume (`imageID` is then empty): the
    /// driver boots it as it is, through the firmware, instead of a copy of the image.
    public var rootDisk: MachineDisk?

    public init(serverID: String, name: String, vcpus: Int, ramMB: Int, diskGB: Int, imageID: String,
                userData: String? = nil, publicKey: String? = nil, ports: [MachinePort] = [], disks: [MachineDisk] = []) {
        self.serverID = serverID
        self.name = name
        self.vcpus = vcpus
        self.ramMB = ramMB
        self.diskGB = diskGB
        self.imageID = imageID
        self.userData = userData
        self.publicKey = publicKey
        self.ports = ports
        self.disks = disks
    }

}

/// Everything a driver needs to create one virtual machine.
public struct MachineSpec: Sendable, Hashable, Codable {
    /// The server's ID; also the machine's name on the host.
    public var serverID: String
    public var name: String
    public var vcpus: Int
    public var ramMB: Int
    public var diskGB: Int
    public var imageID: String
    public var userData: String?
    public var publicKey: String?

    public init(serverID: String, name: String, vcpus: Int, ramMB: Int, diskGB: Int, imageID: String,
                userData: String? = nil, publicKey: String? = nil) {
        self.serverID = serverID
        self.name = name
        self.vcpus = vcpus
        self.ramMB = ramMB
        self.diskGB = diskGB
        self.imageID = imageID
        self.userData = userData
        self.publicKey = publicKey
    }
}

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
    /// Network interfaces, in guest order (eth0 first).
    public var ports: [MachinePort]

    public init(serverID: String, name: String, vcpus: Int, ramMB: Int, diskGB: Int, imageID: String,
                userData: String? = nil, publicKey: String? = nil, ports: [MachinePort] = []) {
        self.serverID = serverID
        self.name = name
        self.vcpus = vcpus
        self.ramMB = ramMB
        self.diskGB = diskGB
        self.imageID = imageID
        self.userData = userData
        self.publicKey = publicKey
        self.ports = ports
    }

    private enum CodingKeys: String, CodingKey {
        case serverID, name, vcpus, ramMB, diskGB, imageID, userData, publicKey, ports
    }

    /// Decodes specs written before `ports` existed as machines without ports.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(serverID: try c.decode(String.self, forKey: .serverID), name: try c.decode(String.self, forKey: .name),
                  vcpus: try c.decode(Int.self, forKey: .vcpus), ramMB: try c.decode(Int.self, forKey: .ramMB),
                  diskGB: try c.decode(Int.self, forKey: .diskGB), imageID: try c.decode(String.self, forKey: .imageID),
                  userData: try c.decodeIfPresent(String.self, forKey: .userData),
                  publicKey: try c.decodeIfPresent(String.self, forKey: .publicKey),
                  ports: try c.decodeIfPresent([MachinePort].self, forKey: .ports) ?? [])
    }
}

public import HypervisorDriver

/// `POST /agent/v1/hosts/{host}/machines`: create a machine. The wire format of the agent
/// protocol (version `v`), apart from the driver's input (`MachineSpec`): it can change without
/// the drivers, and the drivers without it.
public struct SpawnRequest: Sendable, Hashable, Codable {
    /// One network interface: a port of a network, with the address the guest gets at boot.
    public struct NIC: Sendable, Hashable, Codable {
        public var portID: String
        public var networkID: String
        public var mac: String
        /// Address with prefix length (`10.0.0.5/24`); nil for none.
        public var address: String?
        public var gateway: String?
        /// The network's MTU and VXLAN identifier; nil when unknown.
        public var mtu: Int?
        public var segmentationID: Int?
        public var dnsServers: [String]?

        public init(portID: String, networkID: String, mac: String, address: String? = nil, gateway: String? = nil,
                    mtu: Int? = nil, segmentationID: Int? = nil) {
            self.portID = portID
            self.networkID = networkID
            self.mac = mac
            self.address = address
            self.gateway = gateway
            self.mtu = mtu
            self.segmentationID = segmentationID
        }

        /// The driver's view of the interface.
        public var machinePort: MachinePort {
            var port = MachinePort(id: portID, networkID: networkID, mac: mac, address: address, gateway: gateway, mtu: mtu,
                                   segmentationID: segmentationID)
            port.dnsServers = dnsServers
            return port
        }
    }

    /// One disk besides the image: a volume's file as the host sees it.
    public struct Disk: Sendable, Hashable, Codable {
        public var volumeID: String
        public var path: String
        /// `raw` or `qcow2`.
        public var format: String

        public init(volumeID: String, path: String, format: String) {
            self.volumeID = volumeID
            self.path = path
            self.format = format
        }

        /// The driver's view of the disk.
        public var machineDisk: MachineDisk { MachineDisk(id: volumeID, path: path, format: format) }
    }

    /// The version of this format; an agent refuses versions it does not speak.
    public var v = AgentProtocol.version
    public var serverID: String
    public var name: String
    public var vcpus: Int
    public var ramMB: Int
    public var diskGB: Int
    public var imageID: String
    public var userData: String?
    public var publicKey: String?
    public var keyName: String?
    public var hostname: String?
    public var zone: String?
    /// Interfaces in guest order (eth0 first).
    public var nics: [NIC]
    /// Disks in guest order after the image's.
    public var disks: [Disk]
    /// The root disk when the server boots from a volume (`imageID` is then empty); nil boots a
    /// copy of the image.
    public var rootDisk: Disk?

    public init(serverID: String, name: String, vcpus: Int, ramMB: Int, diskGB: Int, imageID: String,
                userData: String? = nil, publicKey: String? = nil, nics: [NIC] = [], disks: [Disk] = []) {
        self.serverID = serverID
        self.name = name
        self.vcpus = vcpus
        self.ramMB = ramMB
        self.diskGB = diskGB
        self.imageID = imageID
        self.userData = userData
        self.publicKey = publicKey
        self.nics = nics
        self.disks = disks
    }

    /// The driver's input for this request.
    public var machineSpec: MachineSpec {
        var spec = MachineSpec(serverID: serverID, name: name, vcpus: vcpus, ramMB: ramMB, diskGB: diskGB, imageID: imageID,
                               userData: userData, publicKey: publicKey, ports: nics.map(\.machinePort), disks: disks.map(\.machineDisk))
        spec.keyName = keyName
        spec.hostname = hostname
        spec.zone = zone
        spec.rootDisk = rootDisk?.machineDisk
        return spec
    }
}

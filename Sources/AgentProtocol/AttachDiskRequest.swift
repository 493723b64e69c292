/// `POST /agent/v1/hosts/{host}/machines/{id}/disks`: hot-plug a disk (version `v`).
public struct AttachDiskRequest: Sendable, Hashable, Codable {
    public var v = AgentProtocol.version
    public var disk: SpawnRequest.Disk

    public init(disk: SpawnRequest.Disk) {
        self.disk = disk
    }
}

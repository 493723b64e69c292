/// `POST /agent/v1/hosts/{host}/machines/{id}/ports`: hot-plug a network interface (version `v`).
public struct AttachPortRequest: Sendable, Hashable, Codable {
    public var v = AgentProtocol.version
    public var nic: SpawnRequest.NIC

    public init(nic: SpawnRequest.NIC) {
        self.nic = nic
    }
}

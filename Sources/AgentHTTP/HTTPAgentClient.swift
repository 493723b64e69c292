public import AgentProtocol
import Foundation
public import HypervisorDriver
import NIOHTTP1

/// The control plane's `AgentClient` over HTTP.
public struct HTTPAgentClient: AgentClient {
    let http: InternalHTTP

    public init(http: InternalHTTP) {
        self.http = http
    }

    func url(_ base: String, _ host: String, _ rest: String = "") -> String {
        "\(base)/agent/v1/hosts/\(host)/machines\(rest)"
    }

    public func spawn(_ request: SpawnRequest, host: String, at agentURL: String) async throws -> MachineInfo {
        try await http.json(MachineInfo.self, .POST, url(agentURL, host), body: request)
    }

    public func attach(_ disk: SpawnRequest.Disk, machine: String, host: String, at agentURL: String) async throws -> MachineInfo {
        try await http.json(MachineInfo.self, .POST, url(agentURL, host, "/\(machine)/disks"), body: AttachDiskRequest(disk: disk))
    }

    public func detach(volume volumeID: String, machine: String, host: String, at agentURL: String) async throws -> MachineInfo {
        try await http.json(MachineInfo.self, .DELETE, url(agentURL, host, "/\(machine)/disks/\(volumeID)"))
    }

    public func attach(_ nic: SpawnRequest.NIC, machine: String, host: String, at agentURL: String) async throws -> MachineInfo {
        try await http.json(MachineInfo.self, .POST, url(agentURL, host, "/\(machine)/ports"), body: AttachPortRequest(nic: nic))
    }

    public func detach(port portID: String, machine: String, host: String, at agentURL: String) async throws -> MachineInfo {
        try await http.json(MachineInfo.self, .DELETE, url(agentURL, host, "/\(machine)/ports/\(portID)"))
    }

    func networkURL(_ base: String, _ host: String, _ network: String) -> String {
        "\(base)/agent/v1/hosts/\(host)/networks/\(network)"
    }

    public func wire(_ wiring: NetworkWiring, network: String, host: String, at agentURL: String) async throws -> Bool {
        try await state(wiring, at: networkURL(agentURL, host, network), agentURL)
    }

    public func unwire(network: String, host: String, at agentURL: String) async throws {
        try await remove(networkURL(agentURL, host, network), agentURL)
    }

    func routerURL(_ base: String, _ host: String, _ router: String) -> String {
        "\(base)/agent/v1/hosts/\(host)/routers/\(router)"
    }

    public func wire(_ wiring: RouterWiring, router: String, host: String, at agentURL: String) async throws -> Bool {
        try await state(wiring, at: routerURL(agentURL, host, router), agentURL)
    }

    public func unwire(router: String, host: String, at agentURL: String) async throws {
        try await remove(routerURL(agentURL, host, router), agentURL)
    }

    public func routers(host: String, at agentURL: String) async throws -> [String] {
        try await names("\(agentURL)/agent/v1/hosts/\(host)/routers", agentURL)
    }

    public func networks(host: String, at agentURL: String) async throws -> [String] {
        try await names("\(agentURL)/agent/v1/hosts/\(host)/networks", agentURL)
    }

    /// What a host lists of its data plane; nothing without one (409).
    func names(_ url: String, _ agentURL: String) async throws -> [String] {
        let (status, data) = try await http.call(.GET, url)
        if status == 409 { return [] }
        try InternalHTTP.check(status, data, agentURL)
        return try JSONDecoder().decode([String].self, from: data)
    }

    /// `PUT`s a data plane state; false when the host has none (409).
    func state(_ body: some Encodable, at url: String, _ agentURL: String) async throws -> Bool {
        let (status, data) = try await http.call(.PUT, url, body: try JSONEncoder().encode(body))
        if status == 409 { return false }
        try InternalHTTP.check(status, data, agentURL)
        return true
    }

    /// `DELETE`s a data plane state; a host without one (409) has nothing to remove.
    func remove(_ url: String, _ agentURL: String) async throws {
        let (status, data) = try await http.call(.DELETE, url)
        if status == 409 { return }
        try InternalHTTP.check(status, data, agentURL)
    }

    public func perform(_ operation: MachineOperation, machine: String, host: String, at agentURL: String) async throws
        -> MachineInfo
    {
        try await http.json(MachineInfo.self, .POST, url(agentURL, host, "/\(machine)/\(operation.rawValue)"))
    }

    public func destroy(machine: String, host: String, at agentURL: String) async throws {
        let (status, data) = try await http.call(.DELETE, url(agentURL, host, "/\(machine)"))
        if status == 404 { return }
        try InternalHTTP.check(status, data, agentURL)
    }

    public func inspect(machine: String, host: String, at agentURL: String) async throws -> MachineInfo? {
        do {
            return try await http.json(MachineInfo.self, .GET, url(agentURL, host, "/\(machine)"))
        } catch let error as AgentCallError where error.kind == .notFound {
            return nil
        }
    }

    public func console(machine: String, lines: Int?, host: String, at agentURL: String) async throws -> String {
        let (status, data) = try await http.call(.GET, url(agentURL, host, "/\(machine)/console" + (lines.map { "?lines=\($0)" } ?? "")))
        try InternalHTTP.check(status, data, agentURL)
        return String(decoding: data, as: UTF8.self)
    }
}

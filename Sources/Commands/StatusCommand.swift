import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// `luc status`: sites, hosts up and down, capacity and servers, through the admin API.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show sites, hosts, capacity and servers.")

    @OptionGroup var session: SessionOptions

    func run() async throws {
        let client = OpenStackSession.makeClient()
        defer { _ = client.shutdown() }
        let api = try await session.login(client: client)
        let zones = try await api.object(.GET, "compute", "/os-availability-zone")["availabilityZoneInfo"] as? [[String: Any]] ?? []
        let hypervisors = try await api.object(.GET, "compute", "/os-hypervisors/detail")["hypervisors"] as? [[String: Any]] ?? []
        let servers = try await api.object(.GET, "compute", "/servers/detail?all_tenants=1")["servers"] as? [[String: Any]] ?? []
        func row(_ columns: String...) -> String {
            zip(columns, [12, 10, 14, 14, 22, 0]).map { text, width in text.padding(toLength: max(width, text.count + 1), withPad: " ", startingAt: 0) }
                .joined()
        }
        print(row("SITE", "HOSTS UP", "HYPERVISOR", "vCPU USED", "RAM USED (MiB)", "SERVERS"))
        for zone in zones {
            guard let name = zone["zoneName"] as? String else { continue }
            let hosts = hypervisors.filter { ($0["hypervisor_hostname"] as? String)?.hasPrefix(name + "-") == true }
            let up = hosts.filter { $0["state"] as? String == "up" }.count
            func total(_ key: String) -> Int { hosts.compactMap { $0[key] as? Int }.reduce(0, +) }
            let here = servers.filter { $0["OS-EXT-AZ:availability_zone"] as? String == name }
            var byStatus: [String: Int] = [:]
            for server in here { byStatus[server["status"] as? String ?? "?", default: 0] += 1 }
            let statusText = byStatus.isEmpty ? "0" : byStatus.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            let types = Set(hosts.compactMap { $0["hypervisor_type"] as? String }).sorted().joined(separator: ", ")
            print(row(name, "\(up)/\(hosts.count)", types.isEmpty ? "-" : types, "\(total("vcpus_used"))/\(total("vcpus"))",
                      "\(total("memory_mb_used"))/\(total("memory_mb"))", statusText))
        }
        let down = hypervisors.filter { $0["state"] as? String != "up" }.compactMap { $0["hypervisor_hostname"] as? String }
        if !down.isEmpty { print("hosts down: \(down.joined(separator: ", "))") }
    }
}

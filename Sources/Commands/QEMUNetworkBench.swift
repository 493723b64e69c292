import Foundation
import LUCBase
import NIOHTTP1
import QEMUDriver

/// `luc bench --driver qemu --with-network`: the data plane's figures with real VMs (root: hosts
/// in network namespaces), in the same run as the figures without NICs.
///  - Scale with NICs: the same number of VMs on 4 networks across the sites, each pinging a peer
///    on its network at another site from its user data; time to all ACTIVE and to every VM
///    having reached its peer, against the same boot without NICs; the agents' idle CPU.
///  - ACTIVE → first ping between two new servers at two sites, over 10 pairs (booted together).
struct QEMUNetworkBench {
    let bench: QEMUBench
    let sessions: [String: OpenStackSession]
    let sites: [String]
    let imageID: String
    let flavorID: String

    /// The tenant networks of the bench (`qbench-net-<k>`, 10.200.<k>.0/24).
    func makeNetworks(_ count: Int) async throws -> [String] {
        let api = sessions[sites[0]]!
        var ids: [String] = []
        for k in 0..<count {
            let made = try await api.object(.POST, "network", "/v2.0/networks", json: ["network": ["name": "qbench-net-\(k)"]])
            guard let id = (made["network"] as? [String: Any])?["id"] as? String else { throw CommandError("network create answered \(made)") }
            _ = try await api.object(.POST, "network", "/v2.0/subnets", json: ["subnet": [
                "network_id": id, "ip_version": 4, "cidr": "10.200.\(k).0/24", "name": "qbench-sub-\(k)",
            ] as [String: Any]])
            ids.append(id)
        }
        return ids
    }

    /// A port at `site` (made through its controller, so it lives there) and its address.
    func port(on network: String, at site: String) async throws -> (id: String, address: String) {
        let made = try await sessions[site]!.object(.POST, "network", "/v2.0/ports", json: ["port": ["network_id": network]])
        guard let port = made["port"] as? [String: Any], let id = port["id"] as? String,
              let address = (port["fixed_ips"] as? [[String: Any]])?.first?["ip_address"] as? String
        else { throw CommandError("port create answered \(made)") }
        return (id, address)
    }

    /// A guest script that pings `address` every 0.2 s and prints `peer-ok` at the first reply.
    static func pinger(_ address: String) -> String {
        "#!/bin/sh\nping -i 0.2 -w 600 \(address) | while read l; do case \"$l\" in *\"bytes from\"*) echo peer-ok; break;; esac; done\n"
    }

    func boot(_ name: String, port: String, site: String, userData: String?) async throws -> String {
        var server: [String: Any] = ["name": name, "imageRef": imageID, "flavorRef": flavorID, "availability_zone": site,
                                     "networks": [["port": port]]]
        if let userData { server["user_data"] = Data(userData.utf8).base64EncodedString() }
        let body = try await sessions[site]!.object(.POST, "compute", "/servers", json: ["server": server])
        guard let id = (body["server"] as? [String: Any])?["id"] as? String else { throw CommandError("create answered \(body)") }
        return id
    }

    func console(_ id: String, site: String) async throws -> String {
        let (_, data) = try await sessions[site]!.send(.POST, "compute", "/servers/\(id)/action", json: ["os-getConsoleOutput": ["length": 40]])
        return String(decoding: data, as: UTF8.self)
    }

    /// Scale with NICs: `servers` VMs, VM i at site i % sites on network (i / 4) % 4, pinging VM
    /// i ^ 1 (same network, another site). Prints the times and returns (all ACTIVE, all reached).
    func scale(_ servers: Int, networks: [String]) async throws -> (active: Duration, reached: Duration) {
        let start = ContinuousClock.now
        let ports = try await withThrowingTaskGroup(of: (Int, (id: String, address: String)).self) { group in
            for i in 0..<servers {
                group.addTask { (i, try await port(on: networks[(i / 4) % networks.count], at: sites[i % sites.count])) }
            }
            var ports: [Int: (id: String, address: String)] = [:]
            for try await (i, port) in group { ports[i] = port }
            return ports
        }
        let ids = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in 0..<servers {
                let peer = ports[i ^ 1 < servers ? i ^ 1 : i]!.address
                group.addTask {
                    (i, try await boot("qbench-nic-\(i)", port: ports[i]!.id, site: sites[i % sites.count], userData: Self.pinger(peer)))
                }
            }
            var ids: [Int: String] = [:]
            for try await (i, id) in group { ids[i] = id }
            return ids
        }
        var active: Duration?
        var reached: Set<Int> = []
        while reached.count < servers {
            if active == nil {
                var up = 0
                for site in sites {
                    let list = try await sessions[site]!.object(.GET, "compute", "/servers/detail?name=qbench-nic-&availability_zone=\(site)")
                    up += (list["servers"] as? [[String: Any]] ?? []).filter { $0["status"] as? String == "ACTIVE" }.count
                }
                if up >= servers { active = ContinuousClock.now - start }
            }
            for i in 0..<servers where !reached.contains(i) {
                // Read once its machine runs (before, its host has no console to give).
                if (try? await console(ids[i]!, site: sites[i % sites.count]))?.contains("peer-ok") == true { reached.insert(i) }
            }
            if ContinuousClock.now - start > .seconds(900) { throw CommandError("only \(reached.count) of \(servers) VMs reached their peer in 900 s") }
            if reached.count < servers { try await Task.sleep(for: .seconds(1)) }
        }
        let all = ContinuousClock.now - start
        let activeTime = active ?? all
        print(String(format: "  with NICs: %d ACTIVE in %.1f s; every VM reached its peer (another site) in %.1f s", servers, activeTime.inSeconds, all.inSeconds))
        let agents = Self.agentCPU(under: bench.stateDirectory)
        try await Task.sleep(for: .seconds(10))
        let later = Self.agentCPU(under: bench.stateDirectory)
        let cpu = later.map { pid, now in now - (agents[pid] ?? now) }.reduce(0, +) / 10 * 100
        print(String(format: "  idle data plane with %d VMs wired: %d agents used %.2f %% of a core together", servers, later.count, cpu))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, id) in ids { group.addTask { try await bench.deleteAndWait(sessions[sites[i % sites.count]]!, id) } }
            try await group.waitForAll()
        }
        for (i, port) in ports { try await sessions[sites[i % sites.count]]!.send(.DELETE, "network", "/v2.0/ports/\(port.id)", expect: 200...404) }
        return (activeTime, all)
    }

    /// ACTIVE → first reply between two new servers at two sites, `pairs` pairs booted together.
    func firstPings(_ pairs: Int, network: String) async throws {
        guard sites.count >= 2 else { return }
        let results = try await withThrowingTaskGroup(of: Double.self) { group in
            for j in 0..<pairs {
                group.addTask {
                    let a = try await port(on: network, at: sites[0]), b = try await port(on: network, at: sites[1])
                    let serverB = try await boot("qbench-pb-\(j)", port: b.id, site: sites[1], userData: nil)
                    let serverA = try await boot("qbench-pa-\(j)", port: a.id, site: sites[0], userData: Self.pinger(b.address))
                    var up: [String: ContinuousClock.Instant] = [:]
                    while up.count < 2 {
                        for (id, site) in [(serverA, sites[0]), (serverB, sites[1])] where up[id] == nil {
                            let server = try await sessions[site]!.object(.GET, "compute", "/servers/\(id)")["server"] as? [String: Any]
                            if server?["status"] as? String == "ACTIVE" { up[id] = .now }
                            if server?["status"] as? String == "ERROR" { throw CommandError("pair \(j) failed to boot") }
                        }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    let active = up.values.max()!
                    while try await !console(serverA, site: sites[0]).contains("peer-ok") {
                        if ContinuousClock.now - active > .seconds(120) { throw CommandError("pair \(j): no ping within 120 s") }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    let latency = (ContinuousClock.now - active).inSeconds
                    try await bench.deleteAndWait(sessions[sites[0]]!, serverA)
                    try await bench.deleteAndWait(sessions[sites[1]]!, serverB)
                    for (port, site) in [(a.id, sites[0]), (b.id, sites[1])] {
                        try await sessions[site]!.send(.DELETE, "network", "/v2.0/ports/\(port)", expect: 200...404)
                    }
                    return latency
                }
            }
            var all: [Double] = []
            for try await latency in group { all.append(latency) }
            return all.sorted()
        }
        print(String(format: "ACTIVE → first ping between two new servers at %@ and %@, %d pairs: p50 %.2f s, max %.2f s (guest pings every 0.2 s)",
                     sites[0], sites[1], pairs, results[results.count / 2], results.last ?? 0))
        print("  " + results.map { String(format: "%.2f", $0) }.joined(separator: " "))
    }

    /// CPU seconds of this cloud's `luc compute` processes, by pid.
    static func agentCPU(under hosts: URL) -> [Int32: Double] {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var result: [Int32: Double] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map({ String(decoding: $0, as: UTF8.self) }),
                  command.contains("compute\0"), command.contains(hosts.path),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            result[pid] = ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks
        }
        return result
    }
}

import Foundation
import NIOHTTP1

/// `luc bench --networks`: Neutron latencies one call at a time, unloaded: network create, subnet
/// create (one per network) and port create (on one network with a /20 subnet, so ports span
/// many address blocks), then deletes everything. Prints p50/p90/p99 per call.
struct NetworkBench {
    let api: OpenStackSession
    let samples: Int

    func run() async throws {
        _ = try await api.send(.PUT, "network", "/v2.0/quotas/\(api.projectID)",
                               json: ["quota": ["network": -1, "subnet": -1, "port": -1]])
        let prefix = "nbench-\(UInt32.random(in: 0...UInt32.max))"
        print("network bench: \(samples) network creates, \(samples) subnet creates, \(samples) port creates, one at a time")
        let networkLatency = LatencyRecorder(), subnetLatency = LatencyRecorder(), portLatency = LatencyRecorder()
        var networks: [String] = []
        for i in 0..<samples {
            let began = ContinuousClock.now
            let body = try await api.object(.POST, "network", "/v2.0/networks", json: ["network": ["name": "\(prefix)-\(i)"]])
            networkLatency.record(ContinuousClock.now - began)
            guard let id = (body["network"] as? [String: Any])?["id"] as? String else { throw CommandError("network create answered no id") }
            networks.append(id)
        }
        for (i, network) in networks.enumerated() {
            let began = ContinuousClock.now
            let cidr = i == 0 ? "10.200.0.0/20" : "10.\(201 + i / 256).\(i % 256).0/24"
            _ = try await api.object(.POST, "network", "/v2.0/subnets", json: ["subnet": [
                "network_id": network, "cidr": cidr, "ip_version": 4, "name": "\(prefix)-\(i)",
            ]])
            subnetLatency.record(ContinuousClock.now - began)
        }
        var ports: [String] = []
        for i in 0..<samples {
            let began = ContinuousClock.now
            let body = try await api.object(.POST, "network", "/v2.0/ports", json: ["port": ["network_id": networks[0], "name": "\(prefix)-\(i)"]])
            portLatency.record(ContinuousClock.now - began)
            guard let id = (body["port"] as? [String: Any])?["id"] as? String else { throw CommandError("port create answered no id") }
            ports.append(id)
        }
        print("network create    \(networkLatency.summary())")
        print("subnet create     \(subnetLatency.summary())")
        print("port create       \(portLatency.summary())")
        for id in ports { _ = try await api.send(.DELETE, "network", "/v2.0/ports/\(id)") }
        for id in networks { _ = try await api.send(.DELETE, "network", "/v2.0/networks/\(id)") }
    }
}

import Foundation
import LUCBase
import HypervisorDriver

/// A machine's OpenStack config drive, as Nova writes it: a small FAT disk labelled `config-2`
/// with `openstack/latest/meta_data.json` (uuid, name, hostname, availability zone, the
/// keypair's public key), `network_data.json` (links, networks, services) and `user_data`.
/// cloud-init finds it by its label; LUC's guest reads the same files.
///
/// The JSON is written with one link, network or key per line, so that a guest without a JSON
/// parser (LUC's busybox guest) can read it line by line; it is ordinary JSON for any other.
enum ConfigDrive {
    /// Size of the FAT image in KiB: the files are a few KiB, user data at most 64 KiB.
    static let sizeKB = 1024

    static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    static func metaData(_ spec: MachineSpec) -> String {
        var lines = ["{\"uuid\": \(quoted(spec.serverID)),", "\"name\": \(quoted(spec.name)),",
                     "\"hostname\": \(quoted(spec.hostname ?? QEMUCommandLine.hostname(spec.name))),",
                     "\"availability_zone\": \(quoted(spec.zone ?? "")),", "\"launch_index\": 0,", "\"meta\": {},"]
        if let key = spec.publicKey?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty {
            let name = spec.keyName ?? "key"
            lines += ["\"public_keys\": {", "\(quoted(name)): \(quoted(key))", "},",
                      "\"keys\": [", "{\"name\": \(quoted(name)), \"type\": \"ssh\", \"data\": \(quoted(key))}", "],"]
        } else {
            lines += ["\"public_keys\": {},", "\"keys\": [],"]
        }
        lines.append("\"devices\": []}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `network_data.json`: one link per port (`tap…`, its MAC and MTU) and one IPv4 network per
    /// addressed port (address, netmask, default route through the gateway, DNS services).
    static func networkData(_ spec: MachineSpec) -> String {
        var links: [String] = [], networks: [String] = [], dns: [String] = []
        for (i, port) in spec.ports.enumerated() {
            let link = "tap" + String(port.id.filter { $0 != "-" }.prefix(11))
            links.append("{\"id\": \(quoted(link)), \"type\": \"bridge\", \"ethernet_mac_address\": \(quoted(port.mac)), "
                         + "\"mtu\": \(port.mtu ?? 1500), \"vif_id\": \(quoted(port.id))}")
            guard let cidr = port.address, let slash = cidr.firstIndex(of: "/"), let prefix = Int(cidr[cidr.index(after: slash)...]),
                  (0...32).contains(prefix)
            else { continue }
            let address = String(cidr[..<slash])
            let mask = prefix == 0 ? UInt32(0) : UInt32.max << (32 - UInt32(prefix))
            let netmask = [24, 16, 8, 0].map { String((mask >> UInt32($0)) & 0xff) }.joined(separator: ".")
            let routes = port.gateway.map { "[{\"network\": \"0.0.0.0\", \"netmask\": \"0.0.0.0\", \"gateway\": \(quoted($0))}]" } ?? "[]"
            let services = (port.dnsServers ?? []).map { "{\"type\": \"dns\", \"address\": \(quoted($0))}" }
            dns += services.filter { !dns.contains($0) }
            networks.append("{\"id\": \"network\(i)\", \"type\": \"ipv4\", \"link\": \(quoted(link)), \"ip_address\": \(quoted(address)), "
                            + "\"netmask\": \"\(netmask)\", \"network_id\": \(quoted(port.networkID)), \"routes\": \(routes), "
                            + "\"services\": [\(services.joined(separator: ", "))]}")
        }
        return "{\"links\": [\n" + links.joined(separator: ",\n") + "\n],\n\"networks\": [\n" + networks.joined(separator: ",\n")
            + "\n],\n\"services\": [" + dns.joined(separator: ", ") + "]}\n"
    }

    /// Writes the drive's image at `url` (mkfs.vfat and mtools, from dosfstools and mtools).
    static func make(_ spec: MachineSpec, at url: URL) async throws {
        let staging = url.deletingLastPathComponent().appendingPathComponent("config-2.staging")
        try? FileManager.default.removeItem(at: staging)
        let latest = staging.appendingPathComponent("openstack/latest")
        try FileManager.default.createDirectory(at: latest, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        try Data(metaData(spec).utf8).write(to: latest.appendingPathComponent("meta_data.json"))
        try Data(networkData(spec).utf8).write(to: latest.appendingPathComponent("network_data.json"))
        if let userData = spec.userData, !userData.isEmpty {
            // Nova's API takes user data base64-encoded; the drive holds the decoded bytes.
            let bytes = Data(base64Encoded: userData, options: .ignoreUnknownCharacters) ?? Data(userData.utf8)
            try bytes.write(to: latest.appendingPathComponent("user_data"))
        }
        try? FileManager.default.removeItem(at: url)
        try await HostCommand.run("mkfs.vfat", ["-C", "-n", "config-2", url.path, String(sizeKB)])
        try await HostCommand.run("mcopy", ["-s", "-i", url.path, staging.appendingPathComponent("openstack").path, "::/"])
    }
}

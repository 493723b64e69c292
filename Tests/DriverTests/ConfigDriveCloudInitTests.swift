import Foundation
import LUCBase
import HypervisorDriver
@testable import QEMUDriver
import Testing

/// The config drive as a standard cloud image sees it: cloud-init's own ConfigDrive reader
/// (Debian's `cloud-init` package, run with the system Python) reads the drive LUC writes:
/// instance ID, hostname, SSH keys, zone, user data, and the network config it would apply.
@Suite("Config drive read by cloud-init",
       .enabled(if: CloudInitTools.available, "needs cloud-init, dosfstools, mtools and blkid (apt-get install cloud-init dosfstools mtools)"))
struct ConfigDriveCloudInitTests {
    static let python = "/usr/bin/python3"

    /// Reads the drive's directory with cloud-init's `ConfigDriveReader` and converts its
    /// network_data.json with cloud-init's own converter; prints one JSON object.
    static let reader = """
        import json, sys
        from cloudinit import sources
        from cloudinit.sources.helpers import openstack
        found = openstack.ConfigDriveReader(sys.argv[1]).read_v2()
        net = openstack.convert_net_json(found["networkdata"], known_macs={"fa:16:3e:00:00:01": "eth0"})
        keys = sources.normalize_pubkey_data(found["metadata"].get("public_keys"))  # as the v2 datasource reads them
        print(json.dumps({"meta": found["metadata"], "keys": keys, "user": found["userdata"].decode(), "net": net}))
        """

    @Test func cloudInitFindsAndReadsTheDrive() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luc-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var spec = MachineSpec(serverID: "3f9c-server", name: "Web 1", vcpus: 1, ramMB: 128, diskGB: 1, imageID: "i",
                               publicKey: "ssh-ed25519 AAAAC3Nza key")
        spec.keyName = "k1"
        spec.zone = "rennes"
        spec.userData = Data("#!/bin/sh\necho hello\n".utf8).base64EncodedString()
        var port = MachinePort(id: "p1", networkID: "n1", mac: "fa:16:3e:00:00:01", address: "10.0.0.5/22", gateway: "10.0.0.1", mtu: 1450)
        port.dnsServers = ["10.0.0.2"]
        spec.ports = [port]
        let image = dir.appendingPathComponent("disk.config")
        try await ConfigDrive.make(spec, at: image)

        // cloud-init looks for a vfat or iso9660 filesystem labelled config-2.
        let probe = try await HostCommand.run("/usr/sbin/blkid", ["-o", "export", image.path]).output
        #expect(probe.contains("LABEL=config-2") && probe.contains("TYPE=vfat"), "blkid: \(probe)")

        let tree = dir.appendingPathComponent("mounted")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        try await HostCommand.run("mcopy", ["-s", "-i", image.path, "::/openstack", tree.path])
        let script = dir.appendingPathComponent("read.py")
        try Data(Self.reader.utf8).write(to: script)
        let result = try await HostCommand.run(Self.python, [script.path, tree.path], check: false)
        try #require(result.status == 0, "cloud-init's reader failed: \(result.output)")
        let json = try #require(result.output.split(separator: "\n").last.map { Data($0.utf8) })
        let read = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let meta = try #require(read["meta"] as? [String: Any])
        #expect(meta["instance-id"] as? String == "3f9c-server" && meta["local-hostname"] as? String == "web-1")
        #expect(read["keys"] as? [String] == ["ssh-ed25519 AAAAC3Nza key"], "metadata: \(meta)")
        #expect(meta["availability_zone"] as? String == "rennes")
        #expect(read["user"] as? String == "#!/bin/sh\necho hello\n")
        let config = try #require((read["net"] as? [String: Any])?["config"] as? [[String: Any]])
        let nic = try #require(config.first { $0["type"] as? String == "physical" })
        #expect(nic["mac_address"] as? String == "fa:16:3e:00:00:01" && nic["name"] as? String == "eth0" && nic["mtu"] as? Int == 1450)
        let subnet = try #require((nic["subnets"] as? [[String: Any]])?.first)
        #expect(subnet["type"] as? String == "static" && subnet["address"] as? String == "10.0.0.5")
        #expect(subnet["netmask"] as? String == "255.255.252.0")
        let routes = subnet["routes"] as? [[String: Any]] ?? []
        #expect(routes.contains { $0["gateway"] as? String == "10.0.0.1" && $0["netmask"] as? String == "0.0.0.0" }, "routes: \(routes)")
        #expect(config.contains { $0["type"] as? String == "nameserver" && $0["address"] as? String == "10.0.0.2" },
                "nameservers: \(config)")
    }
}

/// What the cloud-init test runs.
enum CloudInitTools {
    static var available: Bool {
        ["/usr/bin/python3", "/usr/sbin/mkfs.vfat", "/usr/bin/mcopy", "/usr/sbin/blkid"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
            && FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/cloudinit/sources/helpers/openstack.py")
    }
}

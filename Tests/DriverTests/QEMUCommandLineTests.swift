import Foundation
import HypervisorDriver
@testable import QEMUDriver
import Testing

/// The QEMU command line and kernel words, without QEMU.
@Suite("QEMU command line")
struct QEMUCommandLineTests {
    let directory = MachineDirectory(root: URL(fileURLWithPath: "/state"), serverID: "s1")

    func record(_ spec: MachineSpec, accelerator: QEMUConfiguration.Accelerator = .tcg, kernel: String? = "/img/vmlinuz",
                disks: [AttachedDisk] = [], taps: [String] = []) -> MachineRecord {
        MachineRecord(spec: MachineRecord.Spec(spec), intent: .on, accelerator: accelerator, kernel: kernel,
                      initrd: kernel == nil ? nil : "/img/initrd.img",
                      kernelArguments: QEMUCommandLine.kernelArguments(spec, tscKHz: 2_000_000, accelerator: accelerator),
                      taps: taps, disks: disks, createdAt: Date(timeIntervalSince1970: 0))
    }

    func value(after flag: String, in args: [String]) -> [String] {
        args.indices.filter { args[$0] == flag && $0 + 1 < args.count }.map { args[$0 + 1] }
    }

    @Test func sizesNameSocketsAndDaemonize() {
        let spec = MachineSpec(serverID: "s1", name: "web 1", vcpus: 2, ramMB: 256, diskGB: 1, imageID: "i")
        let args = QEMUCommandLine.arguments(for: record(spec), in: directory, incoming: false, firmware: "/fw/qboot.rom")
        #expect(value(after: "-m", in: args) == ["256"] && value(after: "-smp", in: args) == ["2"])
        #expect(args.contains("-daemonize") && value(after: "-pidfile", in: args) == ["/state/machines/s1/qemu.pid"])
        #expect(value(after: "-qmp", in: args) == ["unix:/state/machines/s1/qmp.sock,server=on,wait=off"])
        #expect(value(after: "-bios", in: args) == ["/fw/qboot.rom"] && value(after: "-kernel", in: args) == ["/img/vmlinuz"])
        #expect(value(after: "-accel", in: args) == ["tcg,tb-size=16"])
        #expect(!args.contains("-incoming"))
    }

    @Test func disksWithoutAKernelBootThroughTheBIOS() {
        let spec = MachineSpec(serverID: "s1", name: "vm", vcpus: 1, ramMB: 128, diskGB: 1, imageID: "i")
        let args = QEMUCommandLine.arguments(for: record(spec, accelerator: .kvm, kernel: nil), in: directory, incoming: true,
                                             firmware: "/fw/qboot.rom")
        #expect(!args.contains("-kernel") && !args.contains("-bios"), "SeaBIOS (QEMU's default) boots the disk")
        #expect(value(after: "-accel", in: args) == ["kvm"] && value(after: "-cpu", in: args) == ["host"])
        #expect(value(after: "-incoming", in: args) == ["exec:cat /state/machines/s1/memory.state"])
    }

    @Test func hotPluggedDisksAndTapsAreOnTheirPorts() {
        let port = MachinePort(id: "p1", networkID: "n1", mac: "fa:16:3e:00:00:01", address: "10.0.0.5/24", gateway: "10.0.0.1")
        let spec = MachineSpec(serverID: "s1", name: "vm", vcpus: 1, ramMB: 128, diskGB: 1, imageID: "i", ports: [port])
        let disk = AttachedDisk(id: "0b5d6c2e-1111-2222", path: "/vols/v.qcow2", format: "qcow2", slot: 2)
        let args = QEMUCommandLine.arguments(for: record(spec, disks: [disk], taps: ["tap-p1"]), in: directory, incoming: false,
                                             firmware: nil)
        #expect(value(after: "-blockdev", in: args) == ["node-name=vol2,driver=qcow2,file.driver=file,file.filename=/vols/v.qcow2"])
        #expect(value(after: "-device", in: args).contains("virtio-blk-pci,id=vol2dev,drive=vol2,bus=hp2,serial=0b5d6c2e11112222"))
        #expect(value(after: "-device", in: args).filter { $0.hasPrefix("pcie-root-port") }.count
                == QEMUCommandLine.hotplugSlots + QEMUCommandLine.nicSlots)
        #expect(value(after: "-netdev", in: args) == ["tap,id=nd1,ifname=tap-p1,script=no,downscript=no"])
        #expect(value(after: "-device", in: args).contains("virtio-net-pci,id=nic1,netdev=nd1,mac=fa:16:3e:00:00:01,bus=np1"))
    }

    @Test func kernelWordsCarryTheHostnameAddressAndTCGSettings() {
        let port = MachinePort(id: "p1", networkID: "n1", mac: "fa:16:3e:00:00:01", address: "10.0.0.5/24", gateway: "10.0.0.1")
        let spec = MachineSpec(serverID: "s1", name: "Web_Server 1", vcpus: 1, ramMB: 128, diskGB: 1, imageID: "i", ports: [port])
        let tcg = QEMUCommandLine.kernelArguments(spec, tscKHz: 2_000_000, accelerator: .tcg).split(separator: " ")
        #expect(tcg.contains("luc.hostname=web-server-1") && tcg.contains("luc.ip=10.0.0.5/24") && tcg.contains("luc.gw=10.0.0.1"))
        #expect(tcg.contains("noreplace-smp") && tcg.contains("noapictimer") && tcg.contains("tsc_early_khz=2000000"))
        let kvm = QEMUCommandLine.kernelArguments(spec, tscKHz: nil, accelerator: .kvm).split(separator: " ")
        #expect(!kvm.contains("noreplace-smp") && kvm.contains("console=ttyS0"))
        #expect(QEMUCommandLine.hostname("") == "luc-guest")
    }

    /// The config drive's files are JSON (as cloud-init reads them) with Nova's members.
    @Test func configDriveFilesAreNovasJSON() throws {
        var spec = MachineSpec(serverID: "s1", name: "Web 1", vcpus: 1, ramMB: 128, diskGB: 1, imageID: "i",
                               publicKey: "ssh-ed25519 AAAA key")
        spec.keyName = "k1"
        spec.zone = "rennes"
        var port = MachinePort(id: "p1-abc", networkID: "n1", mac: "fa:16:3e:00:00:01", address: "10.0.0.5/22", gateway: "10.0.0.1", mtu: 1450)
        port.dnsServers = ["9.9.9.9"]
        spec.ports = [port, MachinePort(id: "p2", networkID: "n2", mac: "fa:16:3e:00:00:02")]
        let meta = try #require(try JSONSerialization.jsonObject(with: Data(ConfigDrive.metaData(spec).utf8)) as? [String: Any])
        #expect(meta["uuid"] as? String == "s1" && meta["hostname"] as? String == "web-1" && meta["availability_zone"] as? String == "rennes")
        #expect((meta["public_keys"] as? [String: String])?["k1"] == "ssh-ed25519 AAAA key")
        let network = try #require(try JSONSerialization.jsonObject(with: Data(ConfigDrive.networkData(spec).utf8)) as? [String: Any])
        let links = try #require(network["links"] as? [[String: Any]])
        #expect(links.count == 2 && links[0]["ethernet_mac_address"] as? String == "fa:16:3e:00:00:01" && links[0]["mtu"] as? Int == 1450)
        let networks = try #require(network["networks"] as? [[String: Any]])
        #expect(networks.count == 1 && networks[0]["netmask"] as? String == "255.255.252.0" && networks[0]["ip_address"] as? String == "10.0.0.5")
        #expect(networks[0]["link"] as? String == links[0]["id"] as? String)
        #expect(((networks[0]["routes"] as? [[String: Any]])?.first?["gateway"]) as? String == "10.0.0.1")
        #expect((network["services"] as? [[String: Any]])?.first?["address"] as? String == "9.9.9.9")
    }
}

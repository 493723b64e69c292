import Foundation
import HypervisorDriver

/// The QEMU command line of one machine: q35 (hot-plug capable), virtio disk over a qcow2
/// overlay (or the volume it boots from), one tap per port, serial console to a socket and a log file, QMP socket, daemonized.
/// A machine booted straight from its image's kernel uses `firmware` (qboot: a fifth of a
/// second less than SeaBIOS under emulation); one booted from its disk keeps SeaBIOS.
enum QEMUCommandLine {
    /// QEMU's environment: one malloc arena (its threads rarely allocate once the guest runs;
    /// 1 MiB less resident per machine, measured).
    static let environment = ["MALLOC_ARENA_MAX": "1"]

    /// Empty PCIe root ports kept for hot-plugged disks (volumes).
    static let hotplugSlots = 4
    /// PCIe root ports for network interfaces, so that any of them (also those given at boot)
    /// can be unplugged and others hot-plugged (`os-interface`).
    static let nicSlots = 4

    static func arguments(for record: MachineRecord, in directory: MachineDirectory, incoming: Bool,
                          firmware: String?) -> [String] {
        let spec = record.spec.model
        var args = ["-name", "luc-\(spec.serverID),process=luc-\(spec.serverID)",
                    "-machine", "q35", "-nodefaults", "-no-user-config", "-display", "none",
                    "-m", "\(spec.ramMB)", "-smp", "\(max(1, spec.vcpus))",
                    "-daemonize", "-pidfile", directory.pidFile.path,
                    "-qmp", "unix:\(directory.qmpSocket),server=on,wait=off",
                    "-chardev", "socket,id=ser0,path=\(directory.consoleSocket),server=on,wait=off,logfile=\(directory.consoleLog.path),logappend=on",
                    "-serial", "chardev:ser0"]
        switch record.accelerator {
        case .kvm: args += ["-accel", "kvm", "-cpu", "host"]
        case .tcg: args += ["-accel", "tcg,tb-size=16", "-cpu", "qemu64,+arat"]
        }
        if let kernel = record.kernel {
            if let firmware { args += ["-bios", firmware] }
            args += ["-kernel", kernel, "-append", record.kernelArguments]
            if let initrd = record.initrd { args += ["-initrd", initrd] }
        }
        args += ["-fw_cfg", "name=opt/org.luc/cmdline,string=\(guestWords(spec).joined(separator: " "))"]
        if let volume = spec.rootDisk {
            // Booted from a volume: its file in the site's storage is the root disk, as it is.
            let serial = String(volume.id.filter { $0 != "-" }.prefix(20))
            args += ["-drive", "file=\(volume.path),if=none,id=root,format=\(volume.format),cache=writeback,discard=unmap",
                     "-device", "virtio-blk-pci,drive=root,bootindex=1,serial=\(serial)"]
        } else {
            args += ["-drive", "file=\(directory.disk.path),if=none,id=root,format=qcow2,cache=writeback,discard=unmap",
                     "-device", "virtio-blk-pci,drive=root,bootindex=1"]
        }
        args += [
                 "-device", "virtio-balloon-pci,free-page-reporting=on"]
        // The config drive is the guest's second disk (vdb), made at spawn; machines made
        // before config drives had none.
        if FileManager.default.fileExists(atPath: directory.configDrive.path) {
            args += ["-drive", "file=\(directory.configDrive.path),if=none,id=cfg,format=raw,readonly=on",
                     "-device", "virtio-blk-pci,drive=cfg,serial=config-2"]
        }
        for slot in 1...hotplugSlots {
            args += ["-device", "pcie-root-port,id=hp\(slot),chassis=\(slot),slot=\(slot)"]
        }
        for disk in record.disks {
            args += ["-blockdev", "node-name=\(disk.nodeName),driver=\(disk.format),file.driver=file,file.filename=\(disk.path)",
                     "-device", "virtio-blk-pci,id=\(disk.deviceID),drive=\(disk.nodeName),bus=hp\(disk.slot),serial=\(disk.serial)"]
        }
        for slot in 1...nicSlots {
            args += ["-device", "pcie-root-port,id=np\(slot),chassis=\(10 + slot),slot=\(10 + slot)"]
        }
        for (port, (tap, slot)) in zip(spec.ports, zip(record.taps, record.portSlots)) {
            args += ["-netdev", "tap,id=nd\(slot),ifname=\(tap),script=no,downscript=no",
                     "-device", "virtio-net-pci,id=nic\(slot),netdev=nd\(slot),mac=\(port.mac),bus=np\(slot)"]
        }
        if incoming { args += ["-incoming", "exec:cat \(directory.memoryState.path)"] }
        return args
    }

    /// Words the guest's init reads (kernel command line or fw_cfg): hostname and eth0's address.
    static func guestWords(_ spec: MachineSpec) -> [String] {
        var words = ["luc.hostname=\(hostname(spec.name))"]
        if let port = spec.ports.first, let address = port.address {
            words.append("luc.ip=\(address)")
            if let gateway = port.gateway { words.append("luc.gw=\(gateway)") }
        }
        return words
    }

    /// The kernel command line for direct kernel boot.
    static func kernelArguments(_ spec: MachineSpec, tscKHz: Int?, accelerator: QEMUConfiguration.Accelerator) -> String {
        // cryptomgr.notests: the crypto self-tests are a tenth of a boot under emulation.
        var words = ["console=ttyS0", "quiet", "tsc=reliable", "cryptomgr.notests"]
        if let tscKHz { words.append("tsc_early_khz=\(tscKHz)") }
        if accelerator == .tcg {
            // Measured under emulation (docs/PERFORMANCE.md): rewriting every lock prefix of a
            // one-CPU kernel costs 0.1-0.15 s, calibrating the local APIC timer against the PM
            // timer 0.1 s (the tick then comes from the HPET; idle CPU unchanged).
            words += ["noreplace-smp", "noapictimer"]
        }
        return (words + guestWords(spec)).joined(separator: " ")
    }

    /// A hostname made of the server name's letters, digits and dashes.
    static func hostname(_ name: String) -> String {
        let cleaned = String(name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) || $0 == "-" ? $0 : "-" }.prefix(63))
        return cleaned.isEmpty ? "luc-guest" : cleaned
    }
}

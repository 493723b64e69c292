import HypervisorDriver

/// The console a simulated guest prints while it boots: the shape of a real small Linux guest's
/// serial log (firmware, kernel, init, network, login prompt), with the machine's own figures,
/// so that clients and tests reading console output see a plausible one.
enum FakeBootLog {
    static func lines(for spec: MachineSpec) -> [String] {
        let ramKB = spec.ramMB * 1024
        var lines = [
            "SeaBIOS (version fake-1.16)",
            "Booting from Hard Disk...",
            "[    0.000000] Linux version 6.1.0-fake (luc@fake) #1 SMP PREEMPT_DYNAMIC",
            "[    0.000000] Command line: console=ttyS0 root=/dev/vda1 ro",
            "[    0.000000] BIOS-provided physical RAM map:",
            "[    0.000000] Memory: \(ramKB)K available",
            "[    0.010000] smpboot: Allowing \(spec.vcpus) CPUs, 0 hotplug CPUs",
            "[    0.020000] Hypervisor detected: KVM",
            "[    0.100000] clocksource: Switched to clocksource kvm-clock",
            spec.rootDisk.map { "[    0.200000] virtio_blk virtio1: [vda] volume \($0.id) (\($0.format) \($0.path))" }
                ?? "[    0.200000] virtio_blk virtio1: [vda] \(max(1, spec.diskGB) * 2_097_152) 512-byte logical blocks",
            "[    0.210000]  vda: vda1",
            "[    0.300000] Serial: 8250/16550 driver, 4 ports, IRQ sharing enabled",
            "[    0.400000] EXT4-fs (vda1): mounted filesystem with ordered data mode",
            "[    0.500000] Run /sbin/init as init process",
            "Starting system logger: OK",
            "Populating /dev: OK",
            "Starting network: udhcpc: started",
        ]
        for (index, port) in spec.ports.enumerated() {
            lines.append("eth\(index): link up, address \(port.address ?? "none") (mac \(port.mac))")
        }
        for (index, disk) in spec.disks.enumerated() {
            lines.append("[    0.600000] virtio_blk virtio\(index + 2): [vd\(Character(UnicodeScalar(UInt8(98 + index))))] disk \(disk.id)")
        }
        lines += [
            "checking http://169.254.169.254/2009-04-04/instance-id",
            "found datasource (configdrive, local)",
            "Starting sshd: OK",
            "Welcome to the LUC fake guest (\(spec.vcpus) vCPU, \(spec.ramMB) MiB)",
            "",
            "\(spec.name) login:",
        ]
        return lines
    }
}

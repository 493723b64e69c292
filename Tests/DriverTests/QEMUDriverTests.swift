import Foundation
import Synchronization
import HypervisorDriver
import Logging
import QEMUDriver
import Testing
import TestSupport

/// The QEMU driver on real QEMU (software emulation here) with LUC's guest image
/// (`scripts/build-guest-image.sh`, found in `LUC_GUEST_DIR` or `.build/guest`).
@Suite("QEMU driver", .enabled(if: QEMUTestbed.available, "QEMU or the guest image is missing"), .serialized)
struct QEMUDriverTests {
    @Test(arguments: DriverConformance.checks.map(\.0))
    func conformance(_ name: String) async throws {
        let check = DriverConformance.checks.first { $0.0 == name }!.1
        let bed = try QEMUTestbed()
        defer { bed.tearDown() }
        try await check(bed.driver)
        for machine in try await bed.driver.list() { try await bed.driver.destroy(machine.serverID) }
        try await bed.expectNothingLeft()
    }

    @Test func failedSpawnLeavesNothing() async throws {
        let bed = try QEMUTestbed(source: QEMUTestbed.Source(file: QEMUTestbed.guestDisk, corruptAttempts: .max))
        defer { bed.tearDown() }
        try await DriverConformance.failedSpawnLeavesNothing(bed.driver)
        #expect(bed.source.attempts.load(ordering: .relaxed) == 3, "a corrupted image is fetched three times, then the spawn fails")
        try await bed.expectNothingLeft()
        #expect(try FileManager.default.contentsOfDirectory(atPath: bed.root.appendingPathComponent("images").path).isEmpty)
    }

    @Test func corruptedTransferIsRetriedAndImageFetchedOnce() async throws {
        let bed = try QEMUTestbed(source: QEMUTestbed.Source(file: QEMUTestbed.guestDisk, corruptAttempts: 1))
        defer { bed.tearDown() }
        async let a = bed.driver.spawn(DriverConformance.spec("i1"))
        async let b = bed.driver.spawn(DriverConformance.spec("i2"))
        #expect(try await [a.state, b.state] == [.running, .running])
        #expect(bed.source.attempts.load(ordering: .relaxed) == 2, "one corrupted transfer, one good one, shared by both boots")
        try await bed.driver.destroy("i1")
        try await bed.driver.destroy("i2")
        try await bed.expectNothingLeft()
    }

    @Test func consoleShowsReadinessMarkerAndHostname() async throws {
        let bed = try QEMUTestbed()
        defer { bed.tearDown() }
        _ = try await bed.driver.spawn(DriverConformance.spec("m1"))
        let console = try await bed.driver.consoleOutput("m1", maxLines: nil)
        #expect(console.contains("luc-guest: ready vm-m1"), "console: \(console)")
        try await bed.driver.destroy("m1")
    }

    @Test func machinesOutliveTheDriverAndAreAdopted() async throws {
        let bed = try QEMUTestbed()
        defer { bed.tearDown() }
        _ = try await bed.driver.spawn(DriverConformance.spec("a1"))
        let second = try QEMUDriver(configuration: bed.configuration, images: bed.source, logger: Logger(label: "test"))
        await second.recover()
        #expect(try await second.inspect("a1")?.state == .running)
        #expect(try await second.pause("a1").state == .paused)
        #expect(try await second.unpause("a1").state == .running)
        try await second.destroy("a1")
        try await bed.expectNothingLeft()
    }

    @Test func halfMadeMachinesAndFetchesAreCleanedUpOnTheNextStart() async throws {
        let bed = try QEMUTestbed()
        defer { bed.tearDown() }
        _ = try await bed.driver.spawn(DriverConformance.spec("h1"))
        // As after a crash in the middle of a spawn or destroy: QEMU running, no record; and an
        // image fetch cut short.
        let images = bed.root.appendingPathComponent("images")
        try FileManager.default.removeItem(at: bed.root.appendingPathComponent("machines/h1/machine.json"))
        try FileManager.default.createDirectory(at: images.appendingPathComponent("cut-short"), withIntermediateDirectories: true)
        let next = try QEMUDriver(configuration: bed.configuration, images: bed.source, logger: Logger(label: "test"))
        await next.recover()
        try await bed.expectNothingLeft()
        #expect(try FileManager.default.contentsOfDirectory(atPath: images.path) == ["image"], "complete images stay cached")
    }

    @Test func unusedImagesAreEvictedImagesInUseKept() async throws {
        let bed = try QEMUTestbed()
        defer { bed.tearDown() }
        let images = bed.root.appendingPathComponent("images")
        _ = try await bed.driver.spawn(DriverConformance.spec("e1"))
        await bed.driver.evictImages(unusedFor: .zero)
        #expect(try FileManager.default.contentsOfDirectory(atPath: images.path) == ["image"], "in use by e1")
        try await bed.driver.destroy("e1")
        await bed.driver.evictImages(unusedFor: .seconds(3600))
        #expect(try FileManager.default.contentsOfDirectory(atPath: images.path) == ["image"], "used a moment ago")
        await bed.driver.evictImages(unusedFor: .zero)
        #expect(try FileManager.default.contentsOfDirectory(atPath: images.path).isEmpty)
    }

    @Test func killedBehindTheBackIsCrashedAndStartsAgain() async throws {
        let bed = try QEMUTestbed()
        defer { bed.tearDown() }
        _ = try await bed.driver.spawn(DriverConformance.spec("k1"))
        let pid = try #require(Int32(String(contentsOf: bed.root.appendingPathComponent("machines/k1/qemu.pid"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGKILL)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await bed.driver.inspect("k1")?.state == .crashed)
        #expect(try await bed.driver.start("k1").state == .running)
        try await bed.driver.destroy("k1")
        try await bed.expectNothingLeft()
    }

    @Test func refusesAMachineTheHostHasNoMemoryFor() async throws {
        var configuration = QEMUTestbed.configuration(root: QEMUTestbed.newRoot())
        configuration.hostReserveMB = 1 << 30
        let bed = try QEMUTestbed(configuration: configuration)
        defer { bed.tearDown() }
        await #expect { _ = try await bed.driver.spawn(DriverConformance.spec("o1")) } throws: { error in
            (error as? DriverError)?.code == .spawnFailed && "\(error)".contains("out of memory")
        }
        try await bed.expectNothingLeft()
    }

    @Test func diskHotPlugAndUnplug() async throws {
        let bed = try QEMUTestbed()
        defer { bed.tearDown() }
        _ = try await bed.driver.spawn(DriverConformance.spec("v1"))
        let volume = bed.root.appendingPathComponent("vol.qcow2").path
        let made = Process()
        made.executableURL = URL(fileURLWithPath: "/usr/bin/qemu-img")
        made.arguments = ["create", "-q", "-f", "qcow2", volume, "64M"]
        try made.run()
        while made.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        let disk = MachineDisk(id: "0b5d6c2e-volume", path: volume)
        #expect(try await bed.driver.attachDisk("v1", disk: disk).disks == ["0b5d6c2e-volume"])
        #expect(try await bed.driver.attachDisk("v1", disk: disk).disks == ["0b5d6c2e-volume"])
        // The guest itself saw the disk arrive (its mdev prints hot-plug events on the console).
        #expect(try await consoleShows("luc-guest: disk vdc add", on: "v1", bed))
        #expect(try await bed.driver.detachDisk("v1", diskID: "0b5d6c2e-volume").disks.isEmpty)
        #expect(try await consoleShows("luc-guest: disk vdc remove", on: "v1", bed))
        #expect(try await bed.driver.detachDisk("v1", diskID: "0b5d6c2e-volume").disks.isEmpty)
        try await bed.driver.destroy("v1")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/net/tun") && getuid() == 0, "needs root and /dev/net/tun"))
    func portsGetTapsOnTheNetworkBridge() async throws {
        let bed = try QEMUTestbed()
        defer { bed.tearDown() }
        var spec = DriverConformance.spec("n1")
        spec.ports = [MachinePort(id: "f00dcafe-0001", networkID: "beef0001-net", mac: "fa:16:3e:00:00:01",
                                  address: "10.9.0.5/24", gateway: "10.9.0.1")]
        _ = try await bed.driver.spawn(spec)
        #expect(FileManager.default.fileExists(atPath: "/sys/class/net/ltf00dcafe0001/brif") == false)
        let master = try FileManager.default.destinationOfSymbolicLink(atPath: "/sys/class/net/ltf00dcafe0001/master")
        #expect(master.hasSuffix("lbbeef0001net"))
        #expect(try await bed.driver.consoleOutput("n1", maxLines: nil).contains("10.9.0.5/24"))
        try await bed.driver.destroy("n1")
        #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/ltf00dcafe0001"))
        #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/lbbeef0001net"))
    }

    /// The config drive: the guest takes its hostname, its NIC's address (found by MAC) and the
    /// keypair's key from it, runs the user data script, and starts its SSH server.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/net/tun") && getuid() == 0, "needs root and /dev/net/tun"))
    func configDriveConfiguresTheGuest() async throws {
        let bed = try QEMUTestbed()
        defer { bed.tearDown() }
        var spec = DriverConformance.spec("c2")
        spec.hostname = "from-config-drive"
        spec.keyName = "mykey"
        spec.publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKc0nfigdrivetestkey user@luc"
        spec.userData = Data("#!/bin/sh\necho user-data-ran-on-$(hostname)\n".utf8).base64EncodedString()
        var port = MachinePort(id: "f00dcafe-0003", networkID: "beef0003-net", mac: "fa:16:3e:00:00:03", address: "10.9.0.7/24",
                               gateway: "10.9.0.1", mtu: 1450)
        port.dnsServers = ["10.9.0.2"]
        spec.ports = [port]
        _ = try await bed.driver.spawn(spec)
        #expect(try await consoleShows("luc-guest: config drive vdb", on: "c2", bed))
        #expect(try await consoleShows("luc-guest: eth0 10.9.0.7/24", on: "c2", bed))
        #expect(try await consoleShows("luc-guest: 1 authorized key(s) for root", on: "c2", bed))
        #expect(try await consoleShows("luc-guest: sshd (dropbear) on port 22", on: "c2", bed))
        #expect(try await consoleShows("luc-guest: ready from-config-drive eth0=10.9.0.7/24", on: "c2", bed))
        #expect(try await consoleShows("user-data-ran-on-from-config-drive", on: "c2", bed))
        try await bed.driver.destroy("c2")
        try await bed.expectNothingLeft()
    }

    /// `os-interface`: a port hot-plugged into a running guest gets its tap on the bridge, and
    /// unplugging it (the guest releases the device) removes the tap and the emptied bridge.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/net/tun") && getuid() == 0, "needs root and /dev/net/tun"))
    func portsHotPlugIntoARunningGuest() async throws {
        let bed = try QEMUTestbed()
        defer { bed.tearDown() }
        _ = try await bed.driver.spawn(DriverConformance.spec("h1"))
        let port = MachinePort(id: "f00dcafe-0002", networkID: "beef0002-net", mac: "fa:16:3e:00:00:02", address: "10.9.0.6/24")
        #expect(try await bed.driver.attachPort("h1", port: port).ports == ["f00dcafe-0002"])
        let master = try FileManager.default.destinationOfSymbolicLink(atPath: "/sys/class/net/ltf00dcafe0002/master")
        #expect(master.hasSuffix("lbbeef0002net"))
        #expect(try await bed.driver.detachPort("h1", portID: "f00dcafe-0002").ports.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/ltf00dcafe0002"))
        #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/lbbeef0002net"))
        try await bed.driver.destroy("h1")
        try await bed.expectNothingLeft()
    }

    /// A disk with no kernel of its own (any image that is not LUC's guest) boots through the
    /// firmware and is running as soon as QEMU runs: there is no marker to wait for.
    @Test func anImageWithoutItsOwnKernelIsRunningOnceQEMURuns() async throws {
        let bed = try QEMUTestbed()
        defer { bed.tearDown() }
        let disk = bed.root.appendingPathComponent("blank.raw")
        try Data(count: 1 << 20).write(to: disk)
        let driver = try QEMUDriver(configuration: bed.configuration, images: BlankDisk(file: disk), logger: Logger(label: "test.qemu"))
        let started = ContinuousClock.now
        let info = try await driver.spawn(DriverConformance.spec("b1"))
        #expect(info.state == MachineState.running)
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(bed.processes().count == 1)
        try await driver.destroy("b1")
        try await bed.expectNothingLeft()
    }

    @Test func anEmptyImageIsRefusedAndLeavesNothing() async throws {
        let bed = try QEMUTestbed()
        defer { bed.tearDown() }
        let disk = bed.root.appendingPathComponent("empty.raw")
        try Data().write(to: disk)
        let driver = try QEMUDriver(configuration: bed.configuration, images: BlankDisk(file: disk), logger: Logger(label: "test.qemu"))
        await #expect { try await driver.spawn(DriverConformance.spec("e1")) } throws: { error in
            "\(error)".contains("has no data")
        }
        #expect(bed.processes().isEmpty)
        try await bed.expectNothingLeft()
        #expect(!FileManager.default.fileExists(atPath: bed.root.appendingPathComponent("images/image").path))
    }

    /// Serves a disk as it is, with no digest.
    struct BlankDisk: ImageSource {
        let file: URL
        func download(_ imageID: String, to destination: URL) async throws -> String? {
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: file, to: destination)
            return nil
        }
    }

    /// Polls the console for `line` for up to 20 s.
    func consoleShows(_ line: String, on serverID: String, _ bed: QEMUTestbed) async throws -> Bool {
        for _ in 0..<100 {
            if try await bed.driver.consoleOutput(serverID, maxLines: nil).contains(line) { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}

import Foundation
public import HypervisorDriver

/// The contract of `HypervisorDriver`, checked against any driver. `make` returns a fresh driver
/// that spawns successfully; `makeFailing` one whose spawns fail.
public enum DriverConformance {
    public typealias Check = @Sendable (any HypervisorDriver) async throws -> Void

    public static func spec(_ id: String) -> MachineSpec {
        MachineSpec(serverID: id, name: "vm-\(id)", vcpus: 1, ramMB: 128, diskGB: 1, imageID: "image")
    }

    public static let checks: [(String, Check)] = [
        ("spawn runs the machine and is idempotent", spawn),
        ("power off and on, idempotently", power),
        ("pause and unpause", pause),
        ("suspend and resume", suspend),
        ("reboot soft and hard", reboot),
        ("console output honours the line count", console),
        ("destroy is idempotent and removes everything", destroy),
        ("disks attach and detach idempotently, also while stopped", disks),
        ("ports given at spawn, hot-plugged and unplugged idempotently, also while stopped", ports),
        ("an NMI reaches a running machine only", nmi),
        ("operations on a missing machine are notFound", missing),
    ]

    static func spawn(_ d: any HypervisorDriver) async throws {
        let info = try await d.spawn(spec("s1"))
        try require(info.state == .running, "spawned machine is \(info.state)")
        try require(try await d.inspect("s1")?.state == .running, "inspect after spawn")
        let again = try await d.spawn(spec("s1"))
        try require(again.state == .running, "second spawn changed the machine")
        try require(try await d.list().map(\.serverID) == ["s1"], "list after spawn")
    }

    static func power(_ d: any HypervisorDriver) async throws {
        _ = try await d.spawn(spec("p1"))
        try require(try await d.stop("p1", grace: .seconds(5)).state == .shutdown, "power off")
        try require(try await d.stop("p1", grace: .seconds(5)).state == .shutdown, "second power off")
        try require(try await d.inspect("p1")?.state == .shutdown, "inspect after power off")
        try require(try await d.start("p1").state == .running, "power on")
        try require(try await d.start("p1").state == .running, "second power on")
    }

    static func pause(_ d: any HypervisorDriver) async throws {
        _ = try await d.spawn(spec("z1"))
        try require(try await d.pause("z1").state == .paused, "pause")
        try require(try await d.unpause("z1").state == .running, "unpause")
    }

    static func suspend(_ d: any HypervisorDriver) async throws {
        _ = try await d.spawn(spec("u1"))
        try require(try await d.suspend("u1").state == .suspended, "suspend")
        try require(try await d.resume("u1").state == .running, "resume")
    }

    static func reboot(_ d: any HypervisorDriver) async throws {
        _ = try await d.spawn(spec("r1"))
        try require(try await d.reboot("r1", hard: false).state == .running, "soft reboot")
        _ = try await d.stop("r1", grace: .seconds(5))
        try require(try await d.reboot("r1", hard: true).state == .running, "hard reboot of a stopped machine")
    }

    static func console(_ d: any HypervisorDriver) async throws {
        _ = try await d.spawn(spec("c1"))
        let all = try await d.consoleOutput("c1", maxLines: nil)
        try require(!all.isEmpty, "empty console")
        let two = try await d.consoleOutput("c1", maxLines: 2)
        try require(two.split(separator: "\n", omittingEmptySubsequences: false).count == 2, "2 lines asked, got \(two.debugDescription)")
    }

    static func destroy(_ d: any HypervisorDriver) async throws {
        _ = try await d.spawn(spec("d1"))
        try await d.destroy("d1")
        try require(try await d.inspect("d1") == nil, "machine still there after destroy")
        try await d.destroy("d1")
        try await d.destroy("never-existed")
        try require(try await d.list().isEmpty, "list not empty after destroy")
    }

    /// A 1 MiB raw disk file (sparse) for the disk checks.
    static func diskFile(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("luc-conformance-\(name)-\(UUID().uuidString.prefix(8)).raw").path
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw ConformanceFailure("cannot create \(path)") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 1 << 20)
        try handle.close()
        return path
    }

    static func disks(_ d: any HypervisorDriver) async throws {
        let first = MachineDisk(id: "vol-1", path: try diskFile("1"), format: "raw")
        let second = MachineDisk(id: "vol-2", path: try diskFile("2"), format: "raw")
        defer { for path in [first.path, second.path] { try? FileManager.default.removeItem(atPath: path) } }
        _ = try await d.spawn(spec("k1"))
        try require(try await d.attachDisk("k1", disk: first).disks == ["vol-1"], "attach")
        try require(try await d.attachDisk("k1", disk: first).disks == ["vol-1"], "second attach of the same disk")
        try require(try await d.inspect("k1")?.disks == ["vol-1"], "inspect after attach")
        _ = try await d.stop("k1", grace: .seconds(5))
        try require(try await d.attachDisk("k1", disk: second).disks == ["vol-1", "vol-2"], "attach while stopped")
        try require(try await d.start("k1").disks == ["vol-1", "vol-2"], "disks kept across a power cycle")
        try require(try await d.detachDisk("k1", diskID: "vol-1").disks == ["vol-2"], "detach")
        try require(try await d.detachDisk("k1", diskID: "vol-1").disks == ["vol-2"], "second detach")
        try await d.destroy("k1")
    }

    static func ports(_ d: any HypervisorDriver) async throws {
        func port(_ n: Int) -> MachinePort {
            MachinePort(id: "cport-\(n)", networkID: "cnet-1", mac: "fa:16:3e:00:00:0\(n)", address: "10.9.0.\(n + 10)/24", gateway: "10.9.0.1",
                        mtu: 1450, segmentationID: 1000 + n)
        }
        var machine = spec("n1")
        machine.ports = [port(1)]
        try require(try await d.spawn(machine).ports == ["cport-1"], "spawn with a port")
        try require(try await d.attachPort("n1", port: port(2)).ports == ["cport-1", "cport-2"], "attach")
        try require(try await d.attachPort("n1", port: port(2)).ports == ["cport-1", "cport-2"], "second attach of the same port")
        try require(try await d.inspect("n1")?.ports == ["cport-1", "cport-2"], "inspect after attach")
        try require(try await d.detachPort("n1", portID: "cport-1").ports == ["cport-2"], "detach a port given at spawn")
        try require(try await d.detachPort("n1", portID: "cport-1").ports == ["cport-2"], "second detach")
        _ = try await d.stop("n1", grace: .seconds(5))
        try require(try await d.attachPort("n1", port: port(3)).ports == ["cport-2", "cport-3"], "attach while stopped")
        try require(try await d.start("n1").ports == ["cport-2", "cport-3"], "ports kept across a power cycle")
        try await d.destroy("n1")
    }

    static func nmi(_ d: any HypervisorDriver) async throws {
        _ = try await d.spawn(spec("i1"))
        try require(try await d.injectNMI("i1").serverID == "i1", "NMI to a running machine")
        _ = try await d.stop("i1", grace: .seconds(5))
        do {
            _ = try await d.injectNMI("i1")
            throw ConformanceFailure("an NMI to a stopped machine succeeded")
        } catch let error as DriverError {
            try require(error.code == .invalidState, "NMI to a stopped machine: expected invalidState, got \(error)")
        }
        try await d.destroy("i1")
    }

    static func missing(_ d: any HypervisorDriver) async throws {
        let operations: [(String, @Sendable () async throws -> MachineInfo)] = [
            ("start", { try await d.start("ghost") }), ("pause", { try await d.pause("ghost") }),
            ("resume", { try await d.resume("ghost") }),
            ("attachDisk", { try await d.attachDisk("ghost", disk: MachineDisk(id: "vol", path: "/nonexistent")) }),
            ("detachDisk", { try await d.detachDisk("ghost", diskID: "vol") }),
            ("attachPort", { try await d.attachPort("ghost", port: MachinePort(id: "p", networkID: "n", mac: "fa:16:3e:00:00:01")) }),
            ("detachPort", { try await d.detachPort("ghost", portID: "p") }),
            ("injectNMI", { try await d.injectNMI("ghost") }),
        ]
        for (name, op) in operations {
            do {
                _ = try await op()
                throw ConformanceFailure("\(name) on a missing machine succeeded")
            } catch let error as DriverError {
                try require(error.code == .notFound, "\(name): expected notFound, got \(error)")
            }
        }
    }

    /// A failed spawn leaves nothing behind.
    public static func failedSpawnLeavesNothing(_ d: any HypervisorDriver) async throws {
        do {
            _ = try await d.spawn(spec("f1"))
            throw ConformanceFailure("spawn succeeded on a failing driver")
        } catch let error as DriverError {
            try require(error.code == .spawnFailed, "expected spawnFailed, got \(error)")
        }
        try require(try await d.inspect("f1") == nil, "failed spawn left a machine")
        try require(try await d.list().isEmpty, "failed spawn left machines")
    }
}

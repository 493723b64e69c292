import Foundation
public import HypervisorDriver

extension QEMUDriver {
    /// Runs QMP commands on the machine's running QEMU.
    func qmp<T: Sendable>(_ dir: MachineDirectory, _ body: @Sendable (inout QMPSession) async throws -> T) async throws -> T {
        try await QMPSession.with(socket: dir.qmpSocket, body)
    }

    func running(_ id: String) throws -> (MachineDirectory, MachineRecord, QEMUProcess) {
        let (dir, record) = try record(id)
        guard let process = QEMUProcess.find(dir, serverID: id) else {
            throw DriverError(code: .invalidState, message: "Machine \(id) is not running.")
        }
        return (dir, record, process)
    }

    /// The report of a machine in `state`, with the disks and ports its record holds.
    func info(_ id: String, _ state: MachineState) -> MachineInfo {
        let record = (try? record(id))?.1
        return MachineInfo(serverID: id, state: state, disks: record?.disks.map(\.id) ?? [], ports: (record?.spec.ports ?? []).map(\.id))
    }

    /// Driver errors pass through; anything else is the hypervisor failing.
    func driverCall<T: Sendable>(_ id: String, _ body: () async throws -> T) async throws -> T {
        try await exclusive(id) {
            do { return try await body() } catch let error as DriverError { throw error } catch {
                throw DriverError(code: .unavailable, message: "Machine \(id): \(error)")
            }
        }
    }

    /// Asks the guest to power off (ACPI), then quits QEMU after `grace`.
    func shutDown(_ dir: MachineDirectory, _ process: QEMUProcess, grace: Duration) async {
        _ = try? await qmp(dir) { qmp in
            if try await qmp.status() == "paused" { try await qmp.execute("cont") }
            try await qmp.execute("system_powerdown")
        }
        if await !process.waitForExit(timeout: grace) {
            _ = try? await qmp(dir) { _ = try await $0.execute("quit") }
            if await !process.waitForExit(timeout: .seconds(3)) { await process.kill() }
        }
    }

    public func stop(_ serverID: String, grace: Duration) async throws -> MachineInfo {
        try await driverCall(serverID) {
            var (dir, record) = try record(serverID)
            if let process = QEMUProcess.find(dir, serverID: serverID) { await shutDown(dir, process, grace: grace) }
            try? FileManager.default.removeItem(at: dir.memoryState)
            record.intent = .off
            try dir.save(record)
            return info(serverID, .shutdown)
        }
    }

    public func start(_ serverID: String) async throws -> MachineInfo {
        try await driverCall(serverID) {
            var (dir, record) = try record(serverID)
            if QEMUProcess.find(dir, serverID: serverID) != nil { return info(serverID, state(dir, record)) }
            try? FileManager.default.removeItem(at: dir.memoryState)
            record.intent = .on
            try dir.save(record)
            let offset = dir.consoleSize
            try await booting { try await waitUntilReady(dir, record, process: try await launch(record, dir, incoming: false), from: offset) }
            return info(serverID, .running)
        }
    }

    public func reboot(_ serverID: String, hard: Bool) async throws -> MachineInfo {
        try await driverCall(serverID) {
            var (dir, record) = try record(serverID)
            let offset = dir.consoleSize
            let process: QEMUProcess
            if let current = QEMUProcess.find(dir, serverID: serverID), hard {
                try await qmp(dir) { qmp in
                    try await qmp.execute("system_reset")
                    if try await qmp.status() == "paused" { try await qmp.execute("cont") }
                }
                process = current
            } else {
                // Soft: the guest powers off (ACPI), then a fresh QEMU boots it, as libvirt does.
                if let current = QEMUProcess.find(dir, serverID: serverID) { await shutDown(dir, current, grace: .seconds(60)) }
                try? FileManager.default.removeItem(at: dir.memoryState)
                process = try await launch(record, dir, incoming: false)
            }
            record.intent = .on
            try dir.save(record)
            try await waitUntilReady(dir, record, process: process, from: offset)
            return info(serverID, .running)
        }
    }

    public func injectNMI(_ serverID: String) async throws -> MachineInfo {
        try await driverCall(serverID) {
            let (dir, record, _) = try running(serverID)
            try await qmp(dir) { _ = try await $0.execute("inject-nmi") }
            return info(serverID, state(dir, record))
        }
    }

    public func pause(_ serverID: String) async throws -> MachineInfo {
        try await driverCall(serverID) {
            var (dir, record, _) = try running(serverID)
            try await qmp(dir) { _ = try await $0.execute("stop") }
            record.intent = .paused
            try dir.save(record)
            return info(serverID, .paused)
        }
    }

    public func unpause(_ serverID: String) async throws -> MachineInfo {
        try await driverCall(serverID) {
            var (dir, record, _) = try running(serverID)
            try await qmp(dir) { _ = try await $0.execute("cont") }
            record.intent = .on
            try dir.save(record)
            return info(serverID, .running)
        }
    }

    /// Saves the guest's memory to `memory.state` (a migration to a file) and stops QEMU.
    public func suspend(_ serverID: String) async throws -> MachineInfo {
        try await driverCall(serverID) {
            var (dir, record) = try record(serverID)
            if record.intent == .suspended, state(dir, record) == .suspended { return info(serverID, .suspended) }
            guard let process = QEMUProcess.find(dir, serverID: serverID) else {
                throw DriverError(code: .invalidState, message: "Machine \(serverID) is not running.")
            }
            let partial = dir.url.appendingPathComponent("memory.state.partial")
            try await qmp(dir) { qmp in
                try await qmp.execute("stop")
                try await qmp.execute("migrate", ["uri": "exec:cat > '\(partial.path)'"])
                let deadline = ContinuousClock.now + .seconds(120)
                while ContinuousClock.now < deadline {
                    let status = (try await qmp.execute("query-migrate") as? [String: Any])?["status"] as? String
                    if status == "completed" { break }
                    if status == "failed" || status == "cancelled" { throw QEMUError("saving memory \(status!)") }
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await qmp.execute("quit")
            }
            await process.waitForExit(timeout: .seconds(10))
            try FileManager.default.moveItem(at: partial, to: dir.memoryState)
            record.intent = .suspended
            try dir.save(record)
            return info(serverID, .suspended)
        }
    }

    /// Starts a QEMU that loads `memory.state`, and lets the guest run on where it stopped.
    public func resume(_ serverID: String) async throws -> MachineInfo {
        try await driverCall(serverID) {
            var (dir, record) = try record(serverID)
            let current = state(dir, record)
            guard current == .suspended else {
                if current == .running { return info(serverID, .running) }
                throw DriverError(code: .invalidState, message: "Machine \(serverID) is \(current), not suspended.")
            }
            _ = try await launch(record, dir, incoming: true)
            try await qmp(dir) { qmp in
                let deadline = ContinuousClock.now + .seconds(120)
                while try await qmp.status() == "inmigrate" {
                    guard ContinuousClock.now < deadline else { throw QEMUError("loading memory took over 120 s") }
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await qmp.execute("cont")
            }
            try? FileManager.default.removeItem(at: dir.memoryState)
            record.intent = .on
            try dir.save(record)
            return info(serverID, .running)
        }
    }
}

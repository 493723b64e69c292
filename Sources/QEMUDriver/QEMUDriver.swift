public import Foundation
import LUCBase
public import HypervisorDriver
public import Logging

/// Real virtual machines: one detached QEMU process per server, driven over QMP.
///
/// A machine is its directory `<state>/machines/<server>/` (record, qcow2 overlay over the
/// host's cached base image, console log, QMP and console sockets, pid file). QEMU is
/// daemonized, so agent restarts leave machines running; a new driver over the same directory
/// finds them again. A machine is `running` once the guest prints the readiness marker.
public actor QEMUDriver: HypervisorDriver {
    public nonisolated let capabilities: DriverCapabilities
    let configuration: QEMUConfiguration
    let images: ImageCache
    let logger: Logger
    let tscKHz = HostMemory.tscKHz()
    /// Memory promised to machines being launched (not yet visible in MemAvailable).
    private var reservedMB = 0
    private var lastEviction = ContinuousClock.now
    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// A driver over `configuration.stateDirectory`; `hypervisorType` is what the host reports
    /// (the accelerator in it, e.g. "QEMU (tcg)").
    public init(configuration: QEMUConfiguration, images: any ImageSource, logger: Logger,
                hypervisorType: String = "QEMU") throws {
        self.configuration = configuration
        self.logger = logger
        capabilities = DriverCapabilities(hypervisorType: hypervisorType)
        let fm = FileManager.default
        try fm.createDirectory(at: configuration.stateDirectory.appendingPathComponent("machines"), withIntermediateDirectories: true)
        try fm.createDirectory(at: configuration.stateDirectory.appendingPathComponent("images"), withIntermediateDirectories: true)
        self.images = ImageCache(root: configuration.stateDirectory.appendingPathComponent("images"), source: images, logger: logger)
        // Guest RAM in 4 KiB pages (inherited by every QEMU this process starts): 3 MiB less
        // resident per small guest, measured (docs/PERFORMANCE.md).
        HostMemory.disableTransparentHugePagesForChildren()
    }

    /// Cleans up after a crash of a previous agent: half-created machines, their QEMU processes
    /// and interrupted image fetches. Machines with a record are adopted as they are.
    public func recover() async {
        for stray in QEMUProcess.strays(under: configuration.stateDirectory) {
            logger.notice("killing QEMU of a half-created machine", metadata: ["pid": "\(stray.pid)"])
            await stray.kill()
        }
        let root = configuration.stateDirectory.appendingPathComponent("machines")
        for id in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
            let dir = directory(id)
            if !dir.exists { try? FileManager.default.removeItem(at: dir.url) }
        }
        await images.removeIncomplete()
    }

    /// Kills every machine's QEMU below `directory` (any number of hosts' state directories),
    /// for tearing down a whole test or demo installation.
    public static func killMachines(under directory: URL) async {
        for (process, _) in QEMUProcess.running(pidFilesUnder: directory.standardizedFileURL.path) { await process.kill() }
    }

    func directory(_ id: String) -> MachineDirectory {
        MachineDirectory(root: configuration.stateDirectory, serverID: id)
    }

    /// Runs `body` with the machine `id` to itself (operations on one machine never interleave).
    func exclusive<T: Sendable>(_ id: String, _ body: () async throws -> T) async throws -> T {
        if busy.contains(id) {
            await withCheckedContinuation { waiting[id, default: []].append($0) }
        } else {
            busy.insert(id)
        }
        defer {
            if var queue = waiting[id], !queue.isEmpty {
                let next = queue.removeFirst()
                waiting[id] = queue.isEmpty ? nil : queue
                next.resume()
            } else {
                busy.remove(id)
            }
        }
        return try await body()
    }

    /// The machine's record; `notFound` when there is none.
    func record(_ id: String) throws -> (MachineDirectory, MachineRecord) {
        let dir = directory(id)
        guard dir.exists, let record = try? dir.load() else {
            throw DriverError(code: .notFound, message: "No machine \(id) on this host.")
        }
        return (dir, record)
    }

    /// The state from the record's intent and whether QEMU runs: no QMP round trip.
    func state(_ dir: MachineDirectory, _ record: MachineRecord) -> MachineState {
        let alive = QEMUProcess.find(dir, serverID: record.spec.serverID) != nil
        switch (record.intent, alive) {
        case (.paused, true): return .paused
        case (_, true): return .running
        case (.off, false): return .shutdown
        case (.suspended, false):
            return FileManager.default.fileExists(atPath: dir.memoryState.path) ? .suspended : .crashed
        case (.on, false), (.paused, false): return .crashed
        }
    }

    public func spawn(_ spec: MachineSpec) async throws -> MachineInfo {
        try await exclusive(spec.serverID) {
            let dir = directory(spec.serverID)
            if dir.exists, let record = try? dir.load() {
                return info(dir, record)
            }
            var taps: [String] = []
            do {
                // A machine booted from a volume has no copy of an image: the firmware boots the volume.
                var image: ImageCache.Entry?
                if spec.rootDisk == nil { image = try await images.entry(spec.imageID) }
                try? FileManager.default.removeItem(at: dir.url)
                try FileManager.default.createDirectory(at: dir.url, withIntermediateDirectories: true)
                if let image {
                    var create = ["create", "-q", "-f", "qcow2", "-b", image.base, "-F", "raw", dir.disk.path]
                    let baseSize = ((try? FileManager.default.attributesOfItem(atPath: image.base))?[.size] as? NSNumber)?.intValue ?? 0
                    if spec.diskGB > 0, spec.diskGB << 30 > baseSize { create.append("\(spec.diskGB)G") }
                    try await HostCommand.run("qemu-img", create)
                } else if let volume = spec.rootDisk, !FileManager.default.fileExists(atPath: volume.path) {
                    throw DriverError(code: .spawnFailed, message: "The root volume's file \(volume.path) is not on this host.")
                }
                try await ConfigDrive.make(spec, at: dir.configDrive)
                for port in spec.ports { taps.append(try await TapNetwork.plug(port, in: configuration.networkNamespace)) }
                guard spec.disks.count <= QEMUCommandLine.hotplugSlots else {
                    throw DriverError(code: .spawnFailed, message: "At most \(QEMUCommandLine.hotplugSlots) disks besides the image.")
                }
                guard spec.ports.count <= QEMUCommandLine.nicSlots else {
                    throw DriverError(code: .spawnFailed, message: "At most \(QEMUCommandLine.nicSlots) network interfaces.")
                }
                let disks = spec.disks.enumerated().map { AttachedDisk(id: $1.id, path: $1.path, format: $1.format, slot: $0 + 1) }
                let record = MachineRecord(spec: MachineRecord.Spec(spec), intent: .on, accelerator: configuration.accelerator,
                                           kernel: image?.kernel, initrd: image?.initrd,
                                           kernelArguments: QEMUCommandLine.kernelArguments(spec, tscKHz: tscKHz, accelerator: configuration.accelerator),
                                           taps: taps, disks: disks, createdAt: Date())
                try dir.save(record)
                try await booting {
                    // Checked with the boot slot held: machines booted before are in MemAvailable.
                    let needMB = spec.ramMB + configuration.overheadMB
                    if let available = HostMemory.availableMB(), available - reservedMB - needMB < configuration.hostReserveMB {
                        throw DriverError(code: .spawnFailed, message: "Host out of memory: \(available) MiB available, "
                                          + "\(reservedMB) MiB promised to machines starting, \(needMB) MiB needed, "
                                          + "\(configuration.hostReserveMB) MiB kept for the host.")
                    }
                    reservedMB += needMB
                    defer { reservedMB -= needMB }
                    let process = try await launch(record, dir, incoming: false)
                    try await waitUntilReady(dir, record, process: process, from: 0)
                }
                return MachineInfo(serverID: spec.serverID, state: .running, disks: spec.disks.map(\.id), ports: spec.ports.map(\.id))
            } catch {
                await remove(dir, taps: taps)
                if let error = error as? DriverError { throw error }
                throw DriverError(code: .spawnFailed, message: "\(error)")
            }
        }
    }

    /// Runs a boot (launch to readiness marker) in one of the machine's boot slots.
    func booting(_ body: () async throws -> Void) async throws {
        // One waiter per driver polls the machine-wide slots; the others queue behind it here.
        let slots = BootSlots(directory: configuration.bootSlotDirectory, count: configuration.concurrentBoots)
        let slot = try await exclusive("\u{0}boot-slot") { try await slots.acquire() }
        defer { slot.release() }
        try await body()
    }

    /// Starts the machine's QEMU (detached) and returns it.
    func launch(_ record: MachineRecord, _ dir: MachineDirectory, incoming: Bool) async throws -> QEMUProcess {
        for stale in [dir.pidFile.path, dir.qmpSocket, dir.consoleSocket] { try? FileManager.default.removeItem(atPath: stale) }
        let args = QEMUCommandLine.arguments(for: record, in: dir, incoming: incoming, firmware: configuration.directBootFirmware)
        // In a simulated host's namespace, QEMU (and so its taps' traffic) runs there.
        let (binary, arguments) = configuration.networkNamespace.map { ("ip", ["netns", "exec", $0, configuration.qemuBinary] + args) }
            ?? (configuration.qemuBinary, args)
        let result = try await HostCommand.run(binary, arguments, environment: QEMUCommandLine.environment, timeout: .seconds(60), check: false)
        guard result.status == 0, let process = QEMUProcess.find(dir, serverID: record.spec.serverID) else {
            throw QEMUError("QEMU did not start: \(result.output.suffix(600))")
        }
        return process
    }

    /// Waits until the guest is ready: for a machine booted from its image's own kernel (LUC's
    /// guest images carry it on their disk) the readiness marker in the console output written
    /// after byte `offset`; for any other image, booted through the firmware, its QEMU running
    /// (as Nova with libvirt: such a guest has no marker to wait for).
    func waitUntilReady(_ dir: MachineDirectory, _ record: MachineRecord, process: QEMUProcess, from offset: Int) async throws {
        guard record.kernel != nil else {
            guard process.isAlive else {
                throw QEMUError("QEMU exited at start; console: \(await consoleTail(dir, bytes: 400))")
            }
            return
        }
        let deadline = ContinuousClock.now + configuration.bootTimeout
        let marker = Data(configuration.readinessMarker.utf8)
        while ContinuousClock.now < deadline {
            if let data = await BlockingIO.read(dir.consoleLog, from: UInt64(offset)), data.range(of: marker) != nil { return }
            guard process.isAlive else {
                throw QEMUError("QEMU exited before the guest was ready; console: \(await consoleTail(dir, bytes: 400))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw QEMUError("the guest printed no readiness marker within \(configuration.bootTimeout); console: \(await consoleTail(dir, bytes: 400))")
    }

    /// The last `bytes` of the console log (read on the thread pool).
    func consoleTail(_ dir: MachineDirectory, bytes: Int) async -> String {
        let size = UInt64(dir.consoleSize)
        let data = await BlockingIO.read(dir.consoleLog, from: size > UInt64(bytes) ? size - UInt64(bytes) : 0) ?? Data()
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r", with: "")
    }

    /// What the driver reports of a machine.
    func info(_ dir: MachineDirectory, _ record: MachineRecord) -> MachineInfo {
        MachineInfo(serverID: record.spec.serverID, state: state(dir, record), disks: record.disks.map(\.id),
                    ports: (record.spec.ports ?? []).map(\.id))
    }

    /// Kills the machine's QEMU and removes its taps and files.
    func remove(_ dir: MachineDirectory, taps: [String]) async {
        if let process = QEMUProcess.find(dir, serverID: dir.url.lastPathComponent) { await process.kill() }
        for tap in taps { await TapNetwork.unplug(tap, in: configuration.networkNamespace) }
        try? FileManager.default.removeItem(at: dir.url)
    }

    public func destroy(_ serverID: String) async throws {
        try await exclusive(serverID) {
            let dir = directory(serverID)
            guard FileManager.default.fileExists(atPath: dir.url.path) else { return }
            let taps = (try? dir.load())?.taps ?? []
            await remove(dir, taps: taps)
        }
    }

    public func inspect(_ serverID: String) async throws -> MachineInfo? {
        guard let (dir, record) = try? record(serverID) else { return nil }
        return info(dir, record)
    }

    public func list() async throws -> [MachineInfo] {
        let root = configuration.stateDirectory.appendingPathComponent("machines")
        let machines = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted().compactMap { id in
            try? record(id)
        }
        if ContinuousClock.now - lastEviction > .seconds(600) {  // list runs at every heartbeat: evict now and then
            lastEviction = .now
            await images.evict(keeping: Set(machines.map { $0.1.spec.imageID }), unusedFor: .seconds(3600))
        }
        return machines.map { dir, record in info(dir, record) }
    }

    /// Removes base images that no machine of this host uses and that no boot used for `unusedFor`.
    public func evictImages(unusedFor: Duration) async {
        let root = configuration.stateDirectory.appendingPathComponent("machines")
        let inUse = Set(((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).compactMap { id in
            (try? record(id))?.1.spec.imageID
        })
        await images.evict(keeping: inUse, unusedFor: unusedFor)
    }

    public func consoleOutput(_ serverID: String, maxLines: Int?) async throws -> String {
        let (dir, _) = try record(serverID)
        let limit = configuration.consoleLimitBytes
        if dir.consoleSize > limit {  // QEMU appends (O_APPEND): cutting the file in place is safe
            let tail = Data(await consoleTail(dir, bytes: limit / 2).utf8)
            let log = dir.consoleLog
            try? await BlockingIO.run {
                let handle = try FileHandle(forWritingTo: log)
                defer { try? handle.close() }
                try handle.truncate(atOffset: 0)
                try handle.write(contentsOf: tail)
            }
        }
        var lines = await consoleTail(dir, bytes: limit).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        if let maxLines { lines = Array(lines.suffix(max(0, maxLines))) }
        return lines.joined(separator: "\n")
    }
}

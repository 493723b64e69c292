import Foundation

/// The files of one machine under `<state>/machines/<server>/`.
struct MachineDirectory: Sendable {
    let url: URL

    init(root: URL, serverID: String) {
        url = root.appendingPathComponent("machines").appendingPathComponent(serverID)
    }

    var record: URL { url.appendingPathComponent("machine.json") }
    var disk: URL { url.appendingPathComponent("disk.qcow2") }
    /// The OpenStack config drive (`ConfigDrive`), read-only to the guest.
    var configDrive: URL { url.appendingPathComponent("config-2.img") }
    var qmpSocket: String { url.appendingPathComponent("qmp.sock").path }
    var consoleSocket: String { url.appendingPathComponent("console.sock").path }
    var consoleLog: URL { url.appendingPathComponent("console.log") }
    var pidFile: URL { url.appendingPathComponent("qemu.pid") }
    var memoryState: URL { url.appendingPathComponent("memory.state") }
    var stderrLog: URL { url.appendingPathComponent("qemu.stderr") }

    var exists: Bool { FileManager.default.fileExists(atPath: record.path) }

    func load() throws -> MachineRecord {
        try JSONDecoder().decode(MachineRecord.self, from: Data(contentsOf: record))
    }

    func save(_ record: MachineRecord) throws {
        try JSONEncoder().encode(record).write(to: self.record, options: .atomic)
    }

    /// Size of the console log now (where output of the next boot starts).
    var consoleSize: Int {
        ((try? FileManager.default.attributesOfItem(atPath: consoleLog.path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}

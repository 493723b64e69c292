import Foundation
import Synchronization
import HypervisorDriver
import Logging
import QEMUDriver

import Testing

/// A QEMU driver over a fresh state directory, with the guest image served from a local file.
struct QEMUTestbed {
    /// Serves the guest disk; the first `corruptAttempts` transfers deliver damaged bytes.
    final class Source: ImageSource {
        let file: URL
        let corruptAttempts: Int
        let attempts = Atomic(0)

        init(file: URL, corruptAttempts: Int = 0) {
            self.file = file
            self.corruptAttempts = corruptAttempts
        }

        func download(_ imageID: String, to destination: URL) async throws -> String? {
            let attempt = attempts.add(1, ordering: .relaxed).newValue
            var data = try Data(contentsOf: file)
            if attempt <= corruptAttempts { data[data.count / 2] ^= 0xFF }
            try data.write(to: destination)
            return QEMUTestbed.guestSHA512
        }
    }

    static var guestDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["LUC_GUEST_DIR"] { return URL(fileURLWithPath: dir) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/guest")
    }

    static var guestDisk: URL { guestDirectory.appendingPathComponent("luc-guest.raw") }

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-system-x86_64")
            && FileManager.default.fileExists(atPath: guestDisk.path)
    }

    static let guestSHA512: String = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha512sum")
        process.arguments = [guestDisk.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try? process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }()

    static func newRoot() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("luc-qemu-\(UUID().uuidString.prefix(8))")
    }

    static func configuration(root: URL) -> QEMUConfiguration {
        QEMUConfiguration(stateDirectory: root, accelerator: .tcg, bootTimeout: .seconds(120))
    }

    let root: URL
    let configuration: QEMUConfiguration
    let source: Source
    let driver: QEMUDriver

    init(configuration: QEMUConfiguration? = nil, source: Source = Source(file: QEMUTestbed.guestDisk)) throws {
        let configuration = configuration ?? Self.configuration(root: Self.newRoot())
        self.configuration = configuration
        root = configuration.stateDirectory
        self.source = source
        driver = try QEMUDriver(configuration: configuration, images: source, logger: Logger(label: "test.qemu"))
    }

    /// QEMU processes whose files live under this testbed's directory.
    func processes() -> [Int32] {
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
        return pids.filter { pid in
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return false }
            return String(decoding: data, as: UTF8.self).contains(root.path)
        }
    }

    /// No machine directory, no QEMU process left.
    func expectNothingLeft() async throws {
        let machines = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("machines").path)
        #expect(machines.isEmpty, "machine directories left: \(machines)")
        #expect(processes().isEmpty, "QEMU processes left: \(processes())")
    }

    func tearDown() {
        for pid in processes() { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: root)
    }
}

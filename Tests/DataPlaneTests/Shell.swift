import Foundation
import LUCBase

/// Commands the data plane tests run to build and probe their namespaces.
enum Shell {
    @discardableResult
    static func run(_ arguments: [String]) async throws -> HostCommand.Result {
        try await HostCommand.run(arguments[0], Array(arguments.dropFirst()), timeout: .seconds(20), check: false)
    }

    /// `ping`, or BusyBox's (the guest image's build installs busybox-static).
    static let ping: [String] = ["/usr/bin/ping", "/bin/ping"].contains { FileManager.default.isExecutableFile(atPath: $0) }
        ? ["ping"] : ["busybox", "ping"]

    /// Whether one echo from `namespace` to `address` comes back within a second.
    static func ping(in namespace: String, _ address: String) async throws -> Bool {
        try await run(["ip", "netns", "exec", namespace] + ping + ["-c", "1", "-W", "1", address]).status == 0
    }

    /// Whether these tests can run here.
    static var available: Bool {
        getuid() == 0 && ["/usr/sbin/ip", "/sbin/ip"].contains { FileManager.default.isExecutableFile(atPath: $0) }
            && ["/usr/bin/ping", "/bin/ping", "/usr/bin/busybox", "/bin/busybox"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A guest standing in for a VM: namespace `name` with `eth0` at `address`/24, whose other
    /// end is `tap` in `host`'s namespace.
    static func guest(_ name: String, address: String, tap: String, in host: String) async throws {
        try await run(["ip", "netns", "add", name])
        try await run(["ip", "-n", host, "link", "add", tap, "type", "veth", "peer", "name", "eth0", "netns", name])
        try await run(["ip", "-n", name, "addr", "add", address + "/24", "dev", "eth0"])
        try await run(["ip", "-n", name, "link", "set", "eth0", "mtu", "1450", "up"])
    }
}

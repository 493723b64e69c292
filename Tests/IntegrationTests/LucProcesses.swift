import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import TestSupport

/// Real `luc controller` and `luc compute` processes on this machine, sharing an embedded store
/// in a temporary directory. The binary is `.build/debug/luc` (built by `swift build`).
final class LucProcesses: @unchecked Sendable {
    static let binary: String? = {
        if let explicit = ProcessInfo.processInfo.environment["LUC_BINARY"] { return explicit }
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent(".build/debug/luc").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    let directory: URL
    let config: URL
    private var processes: [String: Process] = [:]
    let client = HTTPClient(eventLoopGroupProvider: .singleton)

    init(sites: [String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("luc-it-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        config = directory.appendingPathComponent("cloud.json")
        let siteList = sites.enumerated().map { i, id in
            ["id": id, "index": i + 1, "name": id, "latitude": 45.0 + Double(i), "longitude": 2.0] as [String: Any]
        }
        let json: [String: Any] = [
            "region": "RegionOne", "secret": UUID().uuidString,
            "store": ["engine": "embedded", "path": directory.appendingPathComponent("store").path],
            "dataPath": directory.appendingPathComponent("data").path, "sites": siteList,
            "accounts": [["user": "admin", "password": "adminpw", "project": "admin", "role": "admin"]],
        ]
        try JSONSerialization.data(withJSONObject: json).write(to: config)
    }

    @discardableResult
    func start(_ name: String, _ arguments: [String]) throws -> Process {
        guard let binary = Self.binary else { throw TestFailure("no luc binary") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments + ["--parent-pid", String(getpid())]
        let log = directory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes[name] = process
        return process
    }

    /// Starts a controller of `site` and waits until it answers; returns its URL.
    func controller(_ name: String, site: String, id: String? = nil) async throws -> String {
        let port = TestProcesses.freePort()
        try start(name, ["controller", "--config", config.path, "--site", site, "--listen", "127.0.0.1:\(port)"]
                  + (id.map { ["--id", $0] } ?? []))
        let url = "http://127.0.0.1:\(port)"
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let reply = try? await client.execute(HTTPClientRequest(url: url + "/healthz"), timeout: .seconds(1)),
               reply.status == .ok { return url }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("controller \(name) did not start; log: \(log(name))")
    }

    func agent(_ name: String, site: String, controllers: [String], hosts: Int, spawnDelayMS: Int = 0) throws {
        try start(name, ["compute", "--config", config.path, "--site", site, "--listen", "127.0.0.1:\(TestProcesses.freePort())",
                         "--hosts", String(hosts), "--host-prefix", name, "--spawn-delay-ms", String(spawnDelayMS)]
                  + controllers.flatMap { ["--controller", $0] })
    }

    func kill9(_ name: String) {
        guard let process = processes[name] else { return }
        kill(process.processIdentifier, SIGKILL)
        TestProcesses.waitForExit(process)
    }

    func log(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? ""
    }

    func stop() async {
        for process in processes.values where process.isRunning { process.terminate() }
        for process in processes.values { TestProcesses.waitForExit(process) }
        try? await client.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: API

    func token(_ url: String) async throws -> String {
        var request = HTTPClientRequest(url: url + "/identity/v3/auth/tokens")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: """
            {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"name":"Default"},"password":"adminpw"}}},
             "scope":{"project":{"name":"admin","domain":{"name":"Default"}}}}}
            """))
        let reply = try await client.execute(request, timeout: .seconds(10))
        guard reply.status == .created, let token = reply.headers.first(name: "X-Subject-Token") else {
            throw TestFailure("login failed: \(reply.status)")
        }
        return token
    }

    /// Sends a request; returns status and decoded JSON (nil when the body is not JSON).
    @discardableResult
    func call(_ method: HTTPMethod, _ url: String, token: String, json: String? = nil) async throws -> (Int, [String: Any]?) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "X-Auth-Token", value: token)
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let reply = try await client.execute(request, timeout: .seconds(30))
        let body = try await reply.body.collect(upTo: 64 << 20)
        return (Int(reply.status.code), try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
    }

    /// Uploads bytes (image data).
    func upload(_ url: String, token: String, bytes: [UInt8]) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: url)
        request.method = .PUT
        request.headers.add(name: "X-Auth-Token", value: token)
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.body = .bytes(ByteBuffer(bytes: bytes))
        let reply = try await client.execute(request, timeout: .seconds(30))
        return (Int(reply.status.code), Data(try await reply.body.collect(upTo: 1 << 20).readableBytesView))
    }

    /// Waits until `check` is true, polling; fails after `timeout`.
    func eventually(_ what: String, timeout: Duration, _ check: () async throws -> Bool) async throws -> Duration {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if try await check() { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw TestFailure("\(what): not within \(timeout)")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

#if canImport(Glibc)
import Glibc
#endif

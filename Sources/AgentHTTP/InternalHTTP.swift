import AgentProtocol
import AsyncHTTPClient
public import Foundation
public import NIOCore
public import NIOHTTP1

/// One HTTP client for internal calls (controller → agent, agent → controller), with the
/// cluster secret on every request and errors mapped to `AgentCallError`.
public final class InternalHTTP: Sendable {
    let client: HTTPClient
    let secret: String
    let timeout: TimeAmount

    public init(secret: String, timeout: TimeAmount = .seconds(60)) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.timeout = .init(connect: .seconds(2), read: timeout)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.secret = secret
        self.timeout = timeout
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Sends a request and returns the status and body. Transport failures are `.unreachable`.
    /// A request still queued for one of the pool's connections after the connect timeout never
    /// left this process (a burst of long spawns holds them all): it is queued again, until the
    /// call's own timeout.
    func call(_ method: HTTPMethod, _ url: String, body: Data? = nil) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: AgentProtocol.secretHeader, value: secret)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let deadline = NIODeadline.now() + timeout
        while true {
            do {
                let response = try await client.execute(request, deadline: deadline)
                let buffer = try await response.body.collect(upTo: 16 << 20)
                return (Int(response.status.code), Data(buffer.readableBytesView))
            } catch let error as HTTPClientError where error == .getConnectionFromPoolTimeout && NIODeadline.now() < deadline {
                continue
            } catch {
                // Shown to users in faults: says what failed, not where (no internal address).
                throw AgentCallError(kind: .unreachable, message: "the agent did not answer (\(Self.reason(error)))")
            }
        }
    }

    /// `call`, then decode a 2xx body as `T`; other statuses become `.notFound` or `.driver`.
    func json<T: Decodable>(_ type: T.Type, _ method: HTTPMethod, _ url: String, body: (some Encodable)? = Optional<Int>.none)
        async throws -> T
    {
        let (status, data) = try await call(method, url, body: try body.map { try JSONEncoder().encode($0) })
        try Self.check(status, data, url)
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw AgentCallError(kind: .driver, message: "malformed answer from \(url): \(error)")
        }
    }

    /// A short reason for a transport failure, without the addresses some errors carry.
    static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connect timeout"
            case .readTimeout, .deadlineExceeded: return "timeout"
            case .remoteConnectionClosed: return "connection closed"
            default: return "\(error)"
            }
        }
        return "connection failed"
    }

    static func check(_ status: Int, _ data: Data, _ url: String) throws {
        guard (200..<300).contains(status) else {
            let message = (try? JSONDecoder().decode(ErrorBody.self, from: data))?.error.message
                ?? String(decoding: data.prefix(500), as: UTF8.self)
            throw AgentCallError(kind: AgentStatus.kind(ofStatus: status), message: message)
        }
    }

    struct ErrorBody: Decodable {
        struct Inner: Decodable { var message: String }
        var error: Inner
    }

    /// `download(_:to:)` of `path` from each controller in `bases` in turn until one succeeds;
    /// throws the last failure (`.unreachable` when `bases` is empty).
    public func download(_ path: String, fromFirstOf bases: [String], to file: URL) async throws -> HTTPHeaders {
        var last: (any Error)?
        for base in bases {
            do { return try await download(base + path, to: file) } catch { last = error }
        }
        throw last ?? AgentCallError(kind: .unreachable, message: "GET \(path): no controller to ask")
    }

    /// Streams the body of a GET into `file` (created or truncated) and returns the response
    /// headers. Transport failures are `.unreachable`; a non-2xx status is checked as `call`'s.
    public func download(_ url: String, to file: URL) async throws -> HTTPHeaders {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: AgentProtocol.secretHeader, value: secret)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(3600))
        } catch {
            throw AgentCallError(kind: .unreachable, message: "GET \(url): \(error)")
        }
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data($0.readableBytesView) } ?? Data()
            try Self.check(Int(response.status.code), body, url)
            throw AgentCallError(kind: .driver, message: "GET \(url): \(response.status)")
        }
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        do {
            for try await chunk in response.body { try handle.write(contentsOf: Data(chunk.readableBytesView)) }
        } catch {
            throw AgentCallError(kind: .unreachable, message: "GET \(url): transfer broken: \(error)")
        }
        return response.headers
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A minimal OpenStack API client for `luc` itself (demo setup, status, bench): password auth,
/// then JSON requests with the token.
final class OpenStackSession: Sendable {
    let client: HTTPClient
    let authURL: String
    let token: String
    let projectID: String
    /// Service type → public URL, from the token's catalog.
    let endpoints: [String: String]

    struct Failure: Error, CustomStringConvertible {
        var status: Int
        var body: String
        var description: String { "HTTP \(status): \(body.prefix(300))" }
    }

    private init(client: HTTPClient, authURL: String, token: String, projectID: String, endpoints: [String: String]) {
        self.client = client
        self.authURL = authURL
        self.token = token
        self.projectID = projectID
        self.endpoints = endpoints
    }

    static func makeClient(connections: Int = 64) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(120))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Authenticates with a password, scoped to `project`.
    static func login(authURL: String, user: String, password: String, project: String, client: HTTPClient) async throws
        -> OpenStackSession
    {
        let body: [String: Any] = ["auth": [
            "identity": ["methods": ["password"], "password": ["user": ["name": user, "domain": ["name": "Default"], "password": password]]],
            "scope": ["project": ["name": project, "domain": ["name": "Default"]]],
        ]]
        var request = HTTPClientRequest(url: authURL.trimmingSuffix("/") + "/auth/tokens")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await client.execute(request, timeout: .seconds(30))
        let data = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        guard response.status == .created, let token = response.headers.first(name: "X-Subject-Token"),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let tokenBody = json["token"] as? [String: Any]
        else { throw Failure(status: Int(response.status.code), body: String(decoding: data, as: UTF8.self)) }
        var endpoints: [String: String] = [:]
        for service in tokenBody["catalog"] as? [[String: Any]] ?? [] {
            guard let type = service["type"] as? String else { continue }
            for endpoint in service["endpoints"] as? [[String: Any]] ?? [] where endpoint["interface"] as? String == "public" {
                endpoints[type] = endpoint["url"] as? String
            }
        }
        let projectID = (tokenBody["project"] as? [String: Any])?["id"] as? String ?? ""
        return OpenStackSession(client: client, authURL: authURL, token: token, projectID: projectID, endpoints: endpoints)
    }

    /// Sends a request to `service`'s endpoint + `path`; returns status and body.
    @discardableResult
    func send(_ method: HTTPMethod, _ service: String, _ path: String, json: Any? = nil, bytes: [UInt8]? = nil,
              expect: ClosedRange<Int> = 200...299, microversion: String? = nil) async throws -> (Int, Data) {
        guard let base = endpoints[service] else { throw CommandError("no \(service) endpoint in the catalog") }
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "X-Auth-Token", value: token)
        if let microversion { request.headers.add(name: "OpenStack-API-Version", value: "\(service) \(microversion)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        } else if let bytes {
            request.headers.add(name: "Content-Type", value: "application/octet-stream")
            request.body = .bytes(ByteBuffer(bytes: bytes))
        }
        let response = try await client.execute(request, timeout: .seconds(120))
        let data = Data(try await response.body.collect(upTo: 256 << 20).readableBytesView)
        let status = Int(response.status.code)
        guard expect.contains(status) else { throw Failure(status: status, body: String(decoding: data, as: UTF8.self)) }
        return (status, data)
    }

    /// `send`, then the body as a JSON object.
    func object(_ method: HTTPMethod, _ service: String, _ path: String, json: Any? = nil,
                microversion: String? = nil) async throws -> [String: Any] {
        let (_, data) = try await send(method, service, path, json: json, microversion: microversion)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

import AgentProtocol
import CloudModel
public import ControlPlane
import Foundation
import HTTPTypes
public import Hummingbird
import LUCBase
import NIOFoundationEssentialsCompat
public import OpenStackHTTP

/// Endpoints compute agents call: registration, heartbeat, reconcile. Authenticated by the
/// cluster secret, never by user tokens.
public struct InternalRoutes: Sendable {
    let cloud: ControlPlane
    let secret: ClusterSecret
    static let header = HTTPField.Name(AgentProtocol.secretHeader)!

    public init(cloud: ControlPlane, secret: ClusterSecret) {
        self.cloud = cloud
        self.secret = secret
    }

    func authenticate(_ request: Request) throws {
        guard secret.matches(request.headers[Self.header]) else {
            throw APIError(status: 401, message: "Internal endpoint: missing or wrong cluster secret.")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: APIRequestContext) async throws -> T {
        try authenticate(request)
        let buffer = try await request.body.collect(upTo: 4 << 20)
        do {
            return try JSONDecoder().decode(type, from: Data(buffer: buffer))
        } catch {
            throw APIError.badRequest("Malformed \(type) body: \(error)")
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
    }

    public func register(on router: Router<APIRequestContext>) {
        // Image bytes for hosts of this site (fetched from another site if this one lacks them)
        // and for peer controllers (`?local=1`: only what this site holds).
        router.get("/internal/v1/images/:id/file") { request, context in
            try authenticate(request)
            let localOnly = request.uri.queryParameters["local"] == "1"
            let (image, url) = try await cloud.images.internalDataFile(try context.parameters.require("id"), localOnly: localOnly)
            var headers = HTTPFields()
            headers[.contentType] = "application/octet-stream"
            headers[.contentLength] = String(image.size ?? 0)
            if let digest = image.hashValue { headers[HTTPField.Name(AgentProtocol.imageDigestHeader)!] = digest }
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                try await BlockingIO.readChunks(of: url) { try await writer.write(ByteBuffer(bytes: $0)) }
                try await writer.finish(nil)
            })
        }
        // A copy of a volume of this site, for a backup kept at another site (the only volume
        // bytes that cross sites); removed once sent.
        router.get("/internal/v1/volumes/:id/copy") { request, context in
            try authenticate(request)
            let (file, format) = try await cloud.volumes.internalCopy(try context.parameters.require("id"))
            let size = ((try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? NSNumber)?.intValue ?? 0
            var headers = HTTPFields()
            headers[.contentType] = "application/octet-stream"
            headers[.contentLength] = String(size)
            headers[HTTPField.Name("X-LUC-Volume-Format")!] = format
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                defer { try? FileManager.default.removeItem(at: file) }
                try await BlockingIO.readChunks(of: file) { try await writer.write(ByteBuffer(bytes: $0)) }
                try await writer.finish(nil)
            })
        }
        let group = router.group("/internal/v1/sites/:site/hosts")
        group.post("") { request, context in
            let registration = try await decode(HostRegistration.self, request, context)
            return try Self.encode(try await cloud.hostRegistry.register(registration, site: try context.parameters.require("site")))
        }
        group.put(":host/heartbeat") { request, context in
            _ = try await decode(Heartbeat.self, request, context)
            try await cloud.hostRegistry.heartbeat(host: try context.parameters.require("host"), site: try context.parameters.require("site"))
            return Response.empty(.noContent)
        }
        group.post(":host/reconcile") { request, context in
            let report = try await decode(ReconcileReport.self, request, context)
            return try Self.encode(try await cloud.hostRegistry.reconcile(report, host: try context.parameters.require("host"),
                                                                         site: try context.parameters.require("site")))
        }
    }
}

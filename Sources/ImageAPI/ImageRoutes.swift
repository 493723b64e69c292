import CloudModel
public import ControlPlane
import Foundation
import HTTPTypes
public import Hummingbird
import LUCBase
import NIOCore
public import OpenStackHTTP
import StateStore

/// Glance v2 subset: versions, images (create, list, show, update, delete), data upload and
/// download, tags, schemas.
public struct ImageRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL }
    var images: ImageService { cloud.images }

    public init(cloud: ControlPlane) {
        self.cloud = cloud
    }

    public func register(on router: Router<APIRequestContext>) {
        let versions: @Sendable (Request, APIRequestContext) async throws -> Response = { _, _ in
            let list: [JSON] = ["v2.17", "v2.16", "v2.0"].enumerated().map { index, id in
                .object([("id", .string(id)), ("status", index == 0 ? "CURRENT" : "SUPPORTED"),
                         ("links", [.object([("rel", "self"), ("href", .string("\(base)/image/v2/"))])])])
            }
            return Response.json(.object([("versions", .array(list))]), status: .multipleChoices)
        }
        router.get("/image", use: versions)
        router.get("/image/versions", use: versions)
        let v2 = router.group("/image/v2")
        v2.get("", use: versions)
        v2.post("images") { request, context in
            let p = try context.requirePrincipal()
            let image = try ImageWire.image(from: try await request.json(context: context), owner: p.projectID ?? "", isAdmin: p.isAdmin)
            let created = try await images.create(image, by: p)
            var headers = HTTPFields()
            headers[.location] = "\(base)/image/v2/images/\(created.id)"
            return Response.json(ImageWire.view(created), status: .created, headers: headers)
        }
        v2.get("images", use: list)
        v2.get("images/:id") { _, context in
            let image = try await images.get(try context.parameters.require("id"), by: try context.requirePrincipal()).value
            return Response.json(ImageWire.view(image))
        }
        v2.patch("images/:id") { request, context in
            let p = try context.requirePrincipal()
            let changes = try ImageWire.changes(from: try await request.json(context: context))
            return Response.json(ImageWire.view(try await images.update(try context.parameters.require("id"), changes, by: p)))
        }
        v2.delete("images/:id") { _, context in
            try await images.delete(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.empty(.noContent)
        }
        v2.put("images/:id/tags/:tag") { _, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id"), tag = try context.parameters.require("tag")
            let current = try await images.get(id, by: p).value
            if !current.tags.contains(tag) { _ = try await images.update(id, [.tags(current.tags + [tag])], by: p) }
            return Response.empty(.noContent)
        }
        v2.delete("images/:id/tags/:tag") { _, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id"), tag = try context.parameters.require("tag")
            let current = try await images.get(id, by: p).value
            guard current.tags.contains(tag) else { throw APIError.notFound("Tag \(tag) not found") }
            _ = try await images.update(id, [.tags(current.tags.filter { $0 != tag })], by: p)
            return Response.empty(.noContent)
        }
        v2.put("images/:id/file", use: upload)
        v2.get("images/:id/file", use: download)
        v2.get("schemas/image") { _, context in
            _ = try context.requirePrincipal()
            return Response.json(ImageSchema.image)
        }
        v2.get("schemas/images") { _, context in
            _ = try context.requirePrincipal()
            return Response.json(.object([("name", "images"), ("properties", .object([("images", .object([("type", "array"), ("items", ImageSchema.image)])), ("first", .object([("type", "string")])), ("next", .object([("type", "string")])), ("schema", .object([("type", "string")]))])), ("links", [.object([("href", "{first}"), ("rel", "first")]), .object([("href", "{next}"), ("rel", "next")]), .object([("href", "{schema}"), ("rel", "describedby")])])]))
        }
    }

    @Sendable func list(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let p = try context.requirePrincipal()
        let q = request.query
        var ids: [String]? = nil
        if let id = q["id"] { ids = id.hasPrefix("in:") ? id.dropFirst(3).split(separator: ",").map(String.init) : [id] }
        let limit = try q.int("limit")
        var sortKey = q["sort_key"] ?? "created_at", ascending = (q["sort_dir"] ?? "desc") == "asc"
        if let sort = q["sort"], let first = sort.split(separator: ",").first {
            let parts = first.split(separator: ":")
            sortKey = String(parts[0])
            ascending = parts.count > 1 && parts[1] == "asc"
        }
        guard ["created_at", "updated_at", "name", "size", "status", "id"].contains(sortKey) else {
            throw APIError.badRequest("Invalid sort key: \(sortKey).")
        }
        let query = ImageQuery(name: q["name"], ids: ids, status: q["status"], visibility: q["visibility"], owner: q["owner"],
                               containerFormat: q["container_format"], diskFormat: q["disk_format"],
                               sizeMin: try q.int("size_min"), sizeMax: try q.int("size_max"), tags: q.all("tag"),
                               hidden: try q.bool("os_hidden") ?? false, sortKey: sortKey, ascending: ascending,
                               limit: limit.map { $0 + 1 }, marker: q["marker"])
        var found = try await images.list(query, by: p)
        var members: [(String, JSON)] = []
        var next: String? = nil
        if let limit, found.count > limit {
            found = Array(found.prefix(limit))
            next = found.last?.id
        }
        members.append(("images", .array(found.map(ImageWire.view))))
        members.append(("first", "/v2/images"))
        members.append(("schema", "/v2/schemas/images"))
        if let next {
            var pairs = q.pairs.filter { $0.0 != "marker" }
            pairs.append(("marker", next))
            members.append(("next", .string("/v2/images?" + pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&"))))
        }
        return Response.json(.object(members))
    }

    @Sendable func upload(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let p = try context.requirePrincipal()
        let upload = try await images.beginUpload(try context.parameters.require("id"), by: p)
        do {
            for try await buffer in request.body {
                try await upload.write(buffer.readableBytesView)
            }
        } catch {
            await images.abortUpload(upload)
            throw error
        }
        _ = try await images.finishUpload(upload)
        return Response.empty(.noContent)
    }

    @Sendable func download(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        guard let (image, url) = try await images.dataFile(try context.parameters.require("id"), by: try context.requirePrincipal()) else {
            return Response.empty(.noContent)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[HTTPField.Name("Content-MD5")!] = image.checksum ?? ""
        headers[.contentLength] = String(image.size ?? 0)
        let body = ResponseBody { writer in
            try await BlockingIO.readChunks(of: url) { try await writer.write(ByteBuffer(bytes: $0)) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}

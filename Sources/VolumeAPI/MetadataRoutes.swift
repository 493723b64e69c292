import ControlPlane
import HTTPTypes
import Hummingbird
import OpenStackHTTP

/// A resource's `metadata` as Cinder serves it for volumes and snapshots: list, merge (POST),
/// replace (PUT), show one key, set one key, delete one key. With `etag` (volumes, 3.15) the
/// list carries an `ETag` and a merge or replace whose `If-Match` is stale is 412.
struct MetadataRoutes: Sendable {
    /// The resource's collection (`volumes`).
    let collection: String
    let etag: Bool
    let project: @Sendable (APIRequestContext) throws -> Principal
    let read: @Sendable (_ id: String, Principal) async throws -> [String: String]
    let write: @Sendable (_ id: String, _ items: [String: String], _ replace: Bool, Principal) async throws -> [String: String]
    let remove: @Sendable (_ id: String, _ key: String, Principal) async throws -> Void

    func register(on v3: RouterGroup<APIRequestContext>) {
        let path = "\(collection)/:id/metadata"
        v3.get(RouterPath(path)) { _, context in
            let p = try project(context)
            let items = try await read(try context.parameters.require("id"), p)
            var response = Response.json(.object([("metadata", VolumeRoutes.metadata(items))]))
            if etag && context.serves(.metadataETag) { response.headers[.eTag] = VolumeRoutes.etag(items) }
            return response
        }
        for (method, replace) in [(HTTPRequest.Method.post, false), (.put, true)] {
            v3.on(RouterPath(path), method: method) { request, context in
                let p = try project(context)
                let id = try context.parameters.require("id")
                guard let items = try VolumeBody.metadataObject(try await request.json(context: context)["metadata"]) else {
                    throw APIError.badRequest("Malformed request body: metadata is required.")
                }
                if etag && context.serves(.metadataETag), let expected = request.headers[.ifMatch] {
                    guard expected == VolumeRoutes.etag(try await read(id, p)) else {
                        throw APIError(status: 412, message: "Update is not allowed: the metadata changed since it was read (ETag).")
                    }
                }
                return Response.json(.object([("metadata", VolumeRoutes.metadata(try await write(id, items, replace, p)))]))
            }
        }
        v3.get(RouterPath(path + "/:key")) { _, context in
            let p = try project(context)
            let key = try context.parameters.require("key")
            guard let value = try await read(try context.parameters.require("id"), p)[key] else {
                throw APIError.notFound("Metadata item was not found")
            }
            return Response.json(.object([("meta", .object([(key, .string(value))]))]))
        }
        v3.put(RouterPath(path + "/:key")) { request, context in
            let p = try project(context)
            let key = try context.parameters.require("key")
            guard let items = try VolumeBody.metadataObject(try await request.json(context: context)["meta"]), items.count == 1,
                  let value = items[key]
            else { throw APIError.badRequest("Malformed request body: meta must hold exactly the key of the URL.") }
            _ = try await write(try context.parameters.require("id"), [key: value], false, p)
            return Response.json(.object([("meta", .object([(key, .string(value))]))]))
        }
        v3.delete(RouterPath(path + "/:key")) { _, context in
            let p = try project(context)
            try await remove(try context.parameters.require("id"), try context.parameters.require("key"), p)
            return Response.empty(.ok)
        }
    }
}

import ControlPlane
import Hummingbird
import OpenStackHTTP

/// `/servers/{id}/metadata[/{key}]`.
struct MetadataRoutes: Sendable {
    let servers: ServerService

    static func items(_ json: JSON?, field: String) throws -> [String: String] {
        guard let members = json?.members else { throw APIError.badRequest("Malformed request body: '\(field)' must be an object.") }
        var items: [String: String] = [:]
        for (key, value) in members {
            guard let text = value.string else { throw APIError.badRequest("Invalid input for field/attribute \(field).\(key): values must be strings.") }
            items[key] = text
        }
        return items
    }

    static func view(_ m: [String: String]) -> JSON { .object(m.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }) }

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.get("servers/:id/metadata") { _, context in
            let m = try await servers.metadata(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.json(.object([("metadata", Self.view(m))]))
        }
        for (method, replace) in [(HTTPRequest.Method.post, false), (.put, true)] {
            v21.on("servers/:id/metadata", method: method) { request, context in
                let items = try Self.items(try await request.json(context: context)["metadata"], field: "metadata")
                let m = try await servers.setMetadata(try context.parameters.require("id"), items, replace: replace,
                                                      by: try context.requirePrincipal())
                return Response.json(.object([("metadata", Self.view(m))]))
            }
        }
        v21.get("servers/:id/metadata/:key") { _, context in
            let key = try context.parameters.require("key")
            let m = try await servers.metadata(try context.parameters.require("id"), by: try context.requirePrincipal())
            guard let value = m[key] else { throw APIError.notFound("Metadata item was not found") }
            return Response.json(.object([("meta", .object([(key, .string(value))]))]))
        }
        v21.put("servers/:id/metadata/:key") { request, context in
            let key = try context.parameters.require("key")
            let items = try Self.items(try await request.json(context: context)["meta"], field: "meta")
            guard items.count == 1, let value = items[key] else {
                throw APIError.badRequest("Request body and URI mismatch: 'meta' must hold exactly the key of the URI.")
            }
            _ = try await servers.setMetadata(try context.parameters.require("id"), [key: value], replace: false,
                                              by: try context.requirePrincipal())
            return Response.json(.object([("meta", .object([(key, .string(value))]))]))
        }
        v21.delete("servers/:id/metadata/:key") { _, context in
            try await servers.deleteMetadata(try context.parameters.require("id"), key: try context.parameters.require("key"),
                                             by: try context.requirePrincipal())
            return Response.empty(.noContent)
        }
    }
}

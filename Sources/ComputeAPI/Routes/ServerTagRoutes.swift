import CloudModel
import ControlPlane
import Foundation
import HTTPTypes
import Hummingbird
import OpenStackHTTP
import StateStore

/// `/servers/{id}/tags` (2.26): list, replace, delete all; check, add and delete one tag.
struct ServerTagRoutes: Sendable {
    let servers: ServerService
    let publicURL: String

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.get("servers/:id/tags") { _, context in
            let (p, id) = try Self.target(context)
            let server = try await servers.get(id, by: p).value
            return Response.json(.object([("tags", .array(server.tags.map(JSON.string)))]))
        }
        v21.put("servers/:id/tags") { request, context in
            let (p, id) = try Self.target(context)
            let body = try await request.json(context: context)
            guard let members = body.members, members.count == 1, members[0].0 == "tags", let list = members[0].1.array,
                  list.allSatisfy({ $0.string != nil })
            else { throw APIError.badRequest("Invalid input for field/attribute tags: the body must be {\"tags\": [strings]}.") }
            let tags = try await servers.setTags(list.compactMap(\.string), on: id, by: p)
            return Response.json(.object([("tags", .array(tags.map(JSON.string)))]))
        }
        v21.delete("servers/:id/tags") { _, context in
            let (p, id) = try Self.target(context)
            try await servers.removeTag(nil, from: id, by: p)
            return Response.empty(.noContent)
        }
        v21.get("servers/:id/tags/:tag") { _, context in
            let (p, id) = try Self.target(context)
            let tag = try Self.tag(context)
            guard try await servers.get(id, by: p).value.tags.contains(tag) else {
                throw APIError.notFound("Tag \(tag) could not be found for instance \(id).")
            }
            return Response.empty(.noContent)
        }
        v21.put("servers/:id/tags/:tag") { _, context in
            let (p, id) = try Self.target(context)
            let tag = try Self.tag(context)
            let added = try await servers.addTag(tag, to: id, by: p)
            var headers = HTTPFields()
            headers[.location] = "\(publicURL)/compute/v2.1/servers/\(id)/tags/\(tag.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? tag)"
            return Response(status: added ? .created : .noContent, headers: headers)
        }
        v21.delete("servers/:id/tags/:tag") { _, context in
            let (p, id) = try Self.target(context)
            try await servers.removeTag(try Self.tag(context), from: id, by: p)
            return Response.empty(.noContent)
        }
    }

    /// The caller and the server ID; 404 below 2.26, where the API does not exist.
    static func target(_ context: APIRequestContext) throws -> (Principal, String) {
        guard context.serves(.tags) else { throw APIError.notFound() }
        return (try context.requirePrincipal(), try context.parameters.require("id"))
    }

    static func tag(_ context: APIRequestContext) throws -> String {
        let raw = try context.parameters.require("tag")
        return raw.removingPercentEncoding ?? raw
    }
}

import CloudModel
import ControlPlane
import Hummingbird
import OpenStackHTTP
import StateStore

/// `/snapshots`: create (of an `available` volume, or `in-use` with `force`), list and detail
/// (`name`, `status`, `volume_id`, `all_tenants`, `limit`/`marker`), show, update, delete.
struct SnapshotRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL }

    static func view(_ s: VolumeSnapshot, base: String) -> JSON {
        .object([
            ("id", .string(s.id)), ("name", s.name.isEmpty ? .null : .string(s.name)),
            ("description", s.description.isEmpty ? .null : .string(s.description)), ("volume_id", .string(s.volumeID)),
            ("status", .string(s.status.rawValue)), ("size", .int(s.sizeGB)),
            ("metadata", VolumeRoutes.metadata(s.metadata)), ("created_at", .string(Timestamps.micros(s.createdAt))),
            ("updated_at", s.updatedAt == s.createdAt ? .null : .string(Timestamps.micros(s.updatedAt))),
            ("os-extended-snapshot-attributes:project_id", .string(s.projectID)),
            ("os-extended-snapshot-attributes:progress", .string(s.status == .available ? "100%" : "0%")),
        ])
    }

    func register(on v3: RouterGroup<APIRequestContext>) {
        let routes = VolumeRoutes(cloud: cloud)
        v3.post("snapshots") { request, context in
            let p = try routes.project(context)
            let body = try VolumeBody(try await request.json(context: context), "snapshot")
            guard let volumeID = try body.string("volume_id") else { throw APIError.badRequest("Invalid input received: volume_id is required.") }
            let snapshot = try await cloud.snapshots.create(volumeID: volumeID, name: try body.string("name") ?? body.string("display_name"),
                                                            description: try body.string("description") ?? body.string("display_description"),
                                                            metadata: try body.metadata(), force: try body.boolean("force") ?? false, by: p)
            return Response.json(.object([("snapshot", Self.view(snapshot, base: base))]), status: .accepted)
        }
        for (path, detail) in [("snapshots", false), ("snapshots/detail", true)] {
            v3.get(RouterPath(path)) { request, context in
                let p = try routes.project(context)
                let q = request.query
                var all = try await cloud.snapshots.list(name: q["name"], status: q["status"], volumeID: q["volume_id"],
                                                         allProjects: q["all_tenants"] == "" ? true : try q.bool("all_tenants") ?? false, by: p)
                if let marker = q["marker"] {
                    guard let i = all.firstIndex(where: { $0.id == marker }) else {
                        throw APIError.badRequest("Invalid input received: marker [\(marker)] not found")
                    }
                    all = Array(all[(i + 1)...])
                }
                if let limit = try q.int("limit") { all = Array(all.prefix(limit)) }
                let items: [JSON] = all.map { s in
                    detail ? Self.view(s, base: base)
                        : .object([("id", .string(s.id)), ("name", s.name.isEmpty ? .null : .string(s.name)),
                                   ("volume_id", .string(s.volumeID)), ("status", .string(s.status.rawValue)), ("size", .int(s.sizeGB))])
                }
                return Response.json(.object([("snapshots", .array(items))]))
            }
        }
        v3.get("snapshots/:id") { _, context in
            let p = try routes.project(context)
            let s = try await cloud.snapshots.get(try context.parameters.require("id"), by: p).value
            return Response.json(.object([("snapshot", Self.view(s, base: base))]))
        }
        v3.put("snapshots/:id") { request, context in
            let p = try routes.project(context)
            let body = try VolumeBody(try await request.json(context: context), "snapshot")
            let s = try await cloud.snapshots.update(try context.parameters.require("id"), name: try body.string("name") ?? body.string("display_name"),
                                                     description: try body.string("description") ?? body.string("display_description"),
                                                     metadata: try body.metadata(), by: p)
            return Response.json(.object([("snapshot", Self.view(s, base: base))]))
        }
        v3.delete("snapshots/:id") { _, context in
            let p = try routes.project(context)
            try await cloud.snapshots.delete(try context.parameters.require("id"), by: p)
            return Response.empty(.accepted)
        }
    }
}

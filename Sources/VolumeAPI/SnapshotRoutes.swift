import CloudModel
import Foundation
import ControlPlane
import Hummingbird
import OpenStackHTTP
import StateStore

/// `/snapshots`: create (of an `available` volume, or `in-use` with `force`), list and detail
/// (`name`, `status`, `volume_id`, `all_tenants`, `limit`/`marker`), show, update, delete.
struct SnapshotRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL }

    /// The full view; `summary` (create and update answers) leaves out the extended attributes.
    static func view(_ s: VolumeSnapshot, base: String, version: APIVersion, summary: Bool = false) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .string(s.id)), ("name", s.name.isEmpty ? .null : .string(s.name)),
            ("description", s.description.isEmpty ? .null : .string(s.description)), ("volume_id", .string(s.volumeID)),
            ("status", .string(s.status.rawValue)), ("size", .int(s.sizeGB)),
            ("metadata", VolumeRoutes.metadata(s.metadata)), ("created_at", .string(Timestamps.micros(s.createdAt))),
            ("updated_at", s.updatedAt == s.createdAt ? .null : .string(Timestamps.micros(s.updatedAt))),
        ]
        if !summary {
            m += [("os-extended-snapshot-attributes:project_id", .string(s.projectID)),
                  ("os-extended-snapshot-attributes:progress", .string(s.progress ?? (s.status == .available ? "100%" : "0%")))]
        }
        if VolumeFeature.groupSnapshotInViews.served(at: version) { m.append(("group_snapshot_id", .null)) }
        if VolumeFeature.snapshotUser.served(at: version) { m.append(("user_id", .string(s.userID))) }
        return .object(m)
    }

    /// Snapshot listings' sort keys (name from 3.30).
    static func listing(_ context: APIRequestContext) -> ListQuery<VolumeSnapshot> {
        var keys: [String: (VolumeSnapshot, VolumeSnapshot) -> Bool] = [
            "created_at": { $0.createdAt < $1.createdAt }, "updated_at": { $0.updatedAt < $1.updatedAt }, "id": { $0.id < $1.id },
            "size": { $0.sizeGB < $1.sizeGB }, "status": { $0.status.rawValue < $1.status.rawValue },
        ]
        keys["display_name"] = { $0.name < $1.name }  // the column's name, sortable at every version
        if context.serves(.snapshotSortByName) { keys["name"] = { $0.name < $1.name } }
        return ListQuery(keys: keys, id: \.id, name: \.name)
    }

    func register(on v3: RouterGroup<APIRequestContext>) {
        let routes = VolumeRoutes(cloud: cloud)
        v3.post("snapshots") { request, context in
            let p = try routes.project(context)
            let body = try VolumeBody(try await request.json(context: context), "snapshot")
            // Cinder looks the volume up even when none is named: 404.
            guard let volumeID = try body.string("volume_id") else { throw APIError.notFound("Volume None could not be found.") }
            let snapshot = try await cloud.snapshots.create(volumeID: volumeID, name: try body.string("name") ?? body.string("display_name"),
                                                            description: try body.string("description") ?? body.string("display_description"),
                                                            metadata: try body.metadata(), force: try body.boolean("force") ?? false, by: p)
            return Response.json(.object([("snapshot", Self.view(snapshot, base: base, version: context.volumeVersion, summary: true))]), status: .accepted)
        }
        for (path, detail) in [("snapshots", false), ("snapshots/detail", true)] {
            v3.get(RouterPath(path)) { request, context in
                let p = try routes.project(context)
                let q = request.query
                var all = try await cloud.snapshots.list(name: q["name"], status: q["status"], volumeID: q["volume_id"],
                                                         allProjects: q["all_tenants"] == "" ? true : try q.bool("all_tenants") ?? false, by: p)
                if context.serves(.snapshotMetadataFilter), let text = q["metadata"] {
                    let json = text.replacingOccurrences(of: "'", with: "\"")
                    guard let parsed = JSON.parse(Data(json.utf8)), let wanted = try VolumeBody.metadataObject(parsed) else {
                        throw APIError.badRequest("Invalid input received: metadata filter \(text) is not a dictionary.")
                    }
                    all = all.filter { s in wanted.allSatisfy { s.metadata[$0.key] == $0.value } }
                }
                let (page, count) = try Self.listing(context).page(all, q, context: context)
                all = page
                let items: [JSON] = all.map { Self.view($0, base: base, version: context.volumeVersion, summary: !detail) }
                return Response.json(.object([("snapshots", .array(items))] + count))
            }
        }
        v3.get("snapshots/:id") { _, context in
            let p = try routes.project(context)
            let s = try await cloud.snapshots.get(try context.parameters.require("id"), by: p).value
            return Response.json(.object([("snapshot", Self.view(s, base: base, version: context.volumeVersion))]))
        }
        v3.put("snapshots/:id") { request, context in
            let p = try routes.project(context)
            let body = try VolumeBody(try await request.json(context: context), "snapshot")
            let s = try await cloud.snapshots.update(try context.parameters.require("id"), name: try body.string("name") ?? body.string("display_name"),
                                                     description: try body.string("description") ?? body.string("display_description"),
                                                     metadata: try body.metadata(), by: p)
            return Response.json(.object([("snapshot", Self.view(s, base: base, version: context.volumeVersion, summary: true))]))
        }
        let snapshots = cloud.snapshots
        MetadataRoutes(collection: "snapshots", etag: false, project: routes.project,
                       read: { id, p in try await snapshots.get(id, by: p).value.metadata },
                       write: { id, items, replace, p in try await snapshots.setMetadata(id, items, replace: replace, by: p) },
                       remove: { id, key, p in try await snapshots.deleteMetadata(id, key: key, by: p) }).register(on: v3)
        v3.post("snapshots/:id/action") { request, context in
            let p = try routes.project(context)
            let id = try context.parameters.require("id")
            let body = try await request.json(context: context)
            let name = try VolumeBody.actionName(body)
            let args = try VolumeBody(body, name)
            switch name {
            case "os-reset_status":
                guard let status = try args.string("status") else { throw APIError.badRequest("Invalid input received: status is required.") }
                try await cloud.snapshots.resetStatus(id, status: status, by: p)
            case "os-update_snapshot_status":
                guard let status = try args.string("status") else { throw APIError.badRequest("Invalid input received: status is required.") }
                try await cloud.snapshots.updateStatus(id, status: status, progress: try args.string("progress"), by: p)
            case "os-force_delete": try await cloud.snapshots.delete(id, force: true, by: p)
            default: throw APIError.badRequest("There is no such action: \(name)")
            }
            return Response.empty(.accepted)
        }
        v3.delete("snapshots/:id") { _, context in
            let p = try routes.project(context)
            try await cloud.snapshots.delete(try context.parameters.require("id"), by: p)
            return Response.empty(.accepted)
        }
    }
}

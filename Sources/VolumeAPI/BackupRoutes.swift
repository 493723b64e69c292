import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP
import StateStore

/// `/backups`: create (of an `available` volume, or `in-use` with `force`; to another
/// availability zone from 3.51), list and detail (`name`, `status`, `volume_id`, `all_tenants`,
/// sort, `limit`/`marker`), show, update (3.9), delete, restore to a new volume, and the
/// `os-reset_status` and `os-force_delete` actions for admins.
struct BackupRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL }

    static func links(_ b: VolumeBackup, base: String) -> JSON {
        VolumeViews.links(base, project: b.projectID, "backups", b.id)
    }

    static func view(_ b: VolumeBackup, base: String, admin: Bool, version: APIVersion) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .string(b.id)), ("name", b.name.isEmpty ? .null : .string(b.name)),
            ("description", b.description.isEmpty ? .null : .string(b.description)), ("status", .string(b.status.rawValue)),
            ("availability_zone", .string(b.site)), ("volume_id", .string(b.volumeID)), ("container", JSON(b.container)),
            ("size", .int(b.sizeGB)), ("object_count", .int(b.status == .available ? 1 : 0)), ("fail_reason", JSON(b.fault)),
            ("created_at", .string(Timestamps.micros(b.createdAt))),
            ("updated_at", b.updatedAt == b.createdAt ? .null : .string(Timestamps.micros(b.updatedAt))),
            ("data_timestamp", b.dataTimestamp.map { .string(Timestamps.micros($0)) } ?? .null), ("snapshot_id", .null),
            ("has_dependent_backups", false), ("is_incremental", false), ("links", links(b, base: base)),
        ]
        if admin && VolumeFeature.backupProject.served(at: version) { m.append(("os-backup-project-attr:project_id", .string(b.projectID))) }
        if VolumeFeature.backupMetadata.served(at: version) { m.append(("metadata", VolumeRoutes.metadata(b.metadata))) }
        return .object(m)
    }

    static func brief(_ b: VolumeBackup, base: String, version: APIVersion) -> JSON {
        var m: [(String, JSON)] = [("id", .string(b.id)), ("name", .string(b.name)), ("links", links(b, base: base))]
        if VolumeFeature.backupMetadata.served(at: version) { m.append(("metadata", VolumeRoutes.metadata(b.metadata))) }
        return .object(m)
    }

    static func listing(_ context: APIRequestContext) -> ListQuery<VolumeBackup> {
        var keys: [String: (VolumeBackup, VolumeBackup) -> Bool] = [
            "created_at": { $0.createdAt < $1.createdAt }, "updated_at": { $0.updatedAt < $1.updatedAt }, "id": { $0.id < $1.id },
            "size": { $0.sizeGB < $1.sizeGB }, "status": { $0.status.rawValue < $1.status.rawValue },
            "volume_id": { $0.volumeID < $1.volumeID },
        ]
        keys["display_name"] = { $0.name < $1.name }
        if context.serves(.backupSortByName) { keys["name"] = { $0.name < $1.name } }
        return ListQuery(keys: keys, id: \.id, name: \.name)
    }

    func register(on v3: RouterGroup<APIRequestContext>) {
        let routes = VolumeRoutes(cloud: cloud)
        v3.post("backups") { request, context in
            let p = try routes.project(context)
            let body = try VolumeBody(try await request.json(context: context), "backup")
            guard let volumeID = try body.string("volume_id") else { throw APIError.badRequest("Invalid input received: volume_id is required.") }
            var r = BackupService.Request(volumeID: volumeID)
            r.name = try body.string("name")
            r.description = try body.string("description")
            r.container = try body.string("container")
            r.incremental = try body.boolean("incremental") ?? false
            r.force = try body.boolean("force") ?? false
            r.snapshotID = try body.string("snapshot_id")
            if context.serves(.backupMetadata) { r.metadata = try body.metadata() ?? [:] }
            // Before 3.51 Cinder ignores a zone in the body; from 3.51 the backup goes there.
            if context.serves(.backupZone) { r.availabilityZone = try body.string("availability_zone") }
            let backup = try await cloud.backups.create(r, by: p)
            return Response.json(.object([("backup", Self.brief(backup, base: base, version: context.volumeVersion))]), status: .accepted)
        }
        for (path, detail) in [("backups", false), ("backups/detail", true)] {
            v3.get(RouterPath(path)) { request, context in
                let p = try routes.project(context)
                let q = request.query
                let all = try await cloud.backups.list(name: q["name"], status: q["status"], volumeID: q["volume_id"],
                                                       allProjects: q["all_tenants"] == "" ? true : try q.bool("all_tenants") ?? false, by: p)
                let (page, count) = try Self.listing(context).page(all, q, context: context)
                let items: [JSON] = page.map { b in
                    detail ? Self.view(b, base: base, admin: p.isAdmin, version: context.volumeVersion)
                        : .object([("id", .string(b.id)), ("name", b.name.isEmpty ? .null : .string(b.name)), ("links", Self.links(b, base: base))])
                }
                return Response.json(.object([("backups", .array(items))] + count))
            }
        }
        v3.get("backups/:id") { _, context in
            let p = try routes.project(context)
            let b = try await cloud.backups.get(try context.parameters.require("id"), by: p).value
            return Response.json(.object([("backup", Self.view(b, base: base, admin: p.isAdmin, version: context.volumeVersion))]))
        }
        v3.put("backups/:id") { request, context in
            let p = try routes.project(context)
            guard context.serves(.backupUpdate) else { throw APIError(status: 405, message: "Backup update needs microversion 3.9.") }
            let body = try VolumeBody(try await request.json(context: context), "backup")
            let b = try await cloud.backups.update(try context.parameters.require("id"), name: try body.string("name"),
                                                   description: try body.string("description"),
                                                   metadata: context.serves(.backupMetadata) ? try body.metadata() : nil, by: p)
            return Response.json(.object([("backup", Self.brief(b, base: base, version: context.volumeVersion))]))
        }
        v3.delete("backups/:id") { request, context in
            let p = try routes.project(context)
            try await cloud.backups.delete(try context.parameters.require("id"), force: try request.query.bool("force") ?? false, by: p)
            return Response.empty(.accepted)
        }
        v3.post("backups/:id/restore") { request, context in
            let p = try routes.project(context)
            let body = try VolumeBody(try await request.json(context: context), "restore")
            let id = try context.parameters.require("id")
            let volume = try await cloud.backups.restore(id, intoVolume: try body.string("volume_id"), name: try body.string("name"), by: p)
            return Response.json(.object([("restore", .object([("backup_id", .string(ResourceID.normalized(id) ?? id)),
                                                               ("volume_id", .string(volume.id)), ("volume_name", .string(volume.name))]))]),
                                 status: .accepted)
        }
        v3.post("backups/:id/action") { request, context in
            let p = try routes.project(context)
            let id = try context.parameters.require("id")
            let body = try await request.json(context: context)
            let name = try VolumeBody.actionName(body)
            switch name {
            case "os-force_delete": try await cloud.backups.delete(id, force: true, by: p)
            case "os-reset_status":
                guard let status = try VolumeBody(body, name).string("status") else { throw APIError.badRequest("Invalid input received: status is required.") }
                try await cloud.backups.resetStatus(id, status: status, by: p)
            default: throw APIError.badRequest("There is no such action: \(name)")
            }
            return Response.empty(.accepted)
        }
    }
}

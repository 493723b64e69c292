import CloudModel
public import ControlPlane
import Foundation
import HTTPTypes
public import Hummingbird
public import OpenStackHTTP
import StateStore

/// Cinder's Block Storage API v3, microversions 3.0 to `VolumeMicroversions.maximum`: the version documents, volumes
/// (create, list, detail, show, update, delete, metadata, actions), snapshots, volume types, quotas,
/// limits and availability zones.
public struct VolumeRoutes: Sendable {
    let cloud: ControlPlane
    var base: String { cloud.configuration.publicURL }

    public init(cloud: ControlPlane) {
        self.cloud = cloud
    }

    public func register(on router: Router<APIRequestContext>) {
        router.get("/volume") { _, _ in Response.json(versions, status: .multipleChoices) }
        router.get("/volume/v3") { _, _ in Response.json(versions) }
        let v3 = router.group("/volume/v3/:project").add(middleware: VolumeMicroversion())
        v3.get("") { request, context in
            _ = try project(context)
            return Response.json(versions)
        }
        registerVolumes(on: v3)
        VolumeActionRoutes(cloud: cloud).register(on: v3)
        SnapshotRoutes(cloud: cloud).register(on: v3)
        BackupRoutes(cloud: cloud).register(on: v3)
        VolumeInfoRoutes(cloud: cloud).register(on: v3)
    }

    var versions: JSON {
        .object([("versions", [.object([
            ("id", "v3.0"), ("status", "CURRENT"), ("version", .string("\(VolumeMicroversions.maximum)")),
            ("min_version", .string("\(VolumeMicroversions.minimum)")), ("updated", "2022-08-31T00:00:00Z"),
            ("links", [.object([("href", "https://docs.openstack.org/"), ("rel", "describedby"), ("type", "text/html")]),
                       .object([("href", .string("\(base)/volume/v3/")), ("rel", "self")])]),
            ("media-types", [.object([("base", "application/json"), ("type", "application/vnd.openstack.volume+json;version=3")])]),
        ])])])
    }

    func registerVolumes(on v3: RouterGroup<APIRequestContext>) {
        v3.post("volumes") { request, context in
            let p = try project(context)
            let body = try VolumeBody(try await request.json(context: context), "volume")
            var f = VolumeFields()
            f.sizeGB = try body.integer("size")
            f.name = try body.string("name") ?? body.string("display_name")
            f.description = try body.string("description") ?? body.string("display_description")
            f.typeName = try body.string("volume_type")
            f.availabilityZone = try body.string("availability_zone")
            f.imageID = try body.string("imageRef")
            f.snapshotID = try body.string("snapshot_id")
            f.sourceVolumeID = try body.string("source_volid")
            f.metadata = try body.metadata()
            if try body.boolean("multiattach") == true {
                throw APIError.badRequest("Invalid input received: multiattach volumes are not supported: no volume type here allows them.")
            }
            if let backupID = try body.string("backup_id") {
                guard context.serves(.volumeFromBackup) else {
                    throw APIError.badRequest("Invalid input received: backup_id needs microversion 3.47 (or restore the backup).")
                }
                let volume = try await cloud.backups.restore(backupID, intoVolume: nil, name: f.name, by: p)
                return Response.json(.object([("volume", VolumeViews.volume(volume, base: base, admin: p.isAdmin, version: context.volumeVersion,
                                                                            summary: true))]), status: .accepted)
            }
            if try body.string("consistencygroup_id") != nil { throw APIError.badRequest("Invalid input received: consistency groups are not supported.") }
            if f.sizeGB == nil && f.sourceVolumeID == nil && f.snapshotID == nil {
                throw APIError.badRequest("Invalid input received: Invalid volume size provided for create request: None (size argument must be an integer (or string representation of an integer) and greater than zero).")
            }
            let volume = try await cloud.volumes.create(f, by: p)
            return Response.json(.object([("volume", VolumeViews.volume(volume, base: base, admin: p.isAdmin, version: context.volumeVersion, summary: true))]),
                                 status: .accepted)
        }
        v3.get("volumes") { request, context in
            let p = try project(context)
            // `GET /volumes/` names a volume with an empty ID, as Cinder reads it: none.
            if request.uri.path.hasSuffix("/") { throw APIError.notFound("Volume could not be found.") }
            let (page, total) = try await listed(request, context, p)
            return Response.json(.object(page.links(base: base, project: p.projectID ?? "", key: "volumes",
                                                    items: page.items.map { VolumeViews.brief($0, base: base) }) + total))
        }
        v3.get("volumes/detail") { request, context in
            let p = try project(context)
            let (page, total) = try await listed(request, context, p)
            return Response.json(.object(page.links(base: base, project: p.projectID ?? "", key: "volumes", path: "volumes/detail",
                                                    items: page.items.map { VolumeViews.volume($0, base: base, admin: p.isAdmin, version: context.volumeVersion) }) + total))
        }
        v3.get("volumes/summary") { request, context in
            let p = try project(context)
            guard context.serves(.summary) else { throw APIError.notFound("The resource could not be found.") }
            let (page, _) = try await listed(request, context, p)
            var summary: [(String, JSON)] = [("total_size", .int(page.items.reduce(0) { $0 + $1.sizeGB })), ("total_count", .int(page.items.count))]
            if context.serves(.summaryMetadata) {
                var union: [String: Set<String>] = [:]
                for v in page.items { for (k, value) in v.metadata { union[k, default: []].insert(value) } }
                summary.append(("metadata", .object(union.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.sorted().map { .string($0) })) })))
            }
            return Response.json(.object([("volume-summary", .object(summary))]))
        }
        v3.get("volumes/:id") { _, context in
            let p = try project(context)
            let v = try await cloud.volumes.get(try context.parameters.require("id"), by: p).value
            return Response.json(.object([("volume", VolumeViews.volume(v, base: base, admin: p.isAdmin, version: context.volumeVersion))]))
        }
        v3.put("volumes/:id") { request, context in
            let p = try project(context)
            let body = try VolumeBody(try await request.json(context: context), "volume")
            let v = try await cloud.volumes.update(try context.parameters.require("id"),
                                                   name: try body.string("name") ?? body.string("display_name"),
                                                   description: try body.string("description") ?? body.string("display_description"),
                                                   metadata: try body.metadata(), by: p)
            return Response.json(.object([("volume", VolumeViews.volume(v, base: base, admin: p.isAdmin, version: context.volumeVersion, summary: true))]))
        }
        v3.delete("volumes/:id") { request, context in
            let p = try project(context)
            let force = try request.query.bool("force") ?? false
            let cascade = try request.query.bool("cascade") ?? false
            try await cloud.volumes.delete(try context.parameters.require("id"), force: force, cascade: cascade, by: p)
            return Response.empty(.accepted)
        }
        let volumes = cloud.volumes
        MetadataRoutes(collection: "volumes", etag: true, project: project,
                       read: { id, p in try await volumes.get(id, by: p).value.metadata },
                       write: { id, items, replace, p in try await volumes.setMetadata(id, items, replace: replace, by: p) },
                       remove: { id, key, p in try await volumes.deleteMetadata(id, key: key, by: p) }).register(on: v3)
    }

    /// The metadata's ETag (3.15): a digest of its sorted items, quoted.
    static func etag(_ m: [String: String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in m.sorted(by: { $0.key < $1.key }).map({ "\($0.key)=\($0.value);" }).joined().utf8 {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return "\"\(String(h, radix: 16))\""
    }

    static func metadata(_ m: [String: String]) -> JSON {
        .object(m.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }

    /// The caller, whose project must be the one in the URL (Cinder's 400 otherwise).
    func project(_ context: APIRequestContext) throws -> Principal {
        let p = try context.requirePrincipal()
        let inPath = try context.parameters.require("project")
        guard inPath == p.projectID else { throw APIError.badRequest("Malformed request url") }
        return p
    }

    /// The page of volumes a listing asks for: filters, `sort`, `limit` and `marker`.
    func listed(_ request: Request, _ context: APIRequestContext, _ p: Principal) async throws -> (VolumePage, [(String, JSON)]) {
        let q = request.query
        var filter = VolumeService.Filter()
        filter.name = q["name"] ?? q["display_name"]
        filter.status = q["status"]
        filter.availabilityZone = q["availability_zone"]
        if let b = q["bootable"] {
            switch b.lowercased() {
            case "true", "1", "yes": filter.bootable = true
            case "false", "0", "no": filter.bootable = false
            default: throw APIError.badRequest("Invalid input received: bootable must be a boolean, not \(b).")
            }
        }
        if let text = q["metadata"] {
            // `metadata={'k': 'v'}` as the clients write it (a Python dict literal) or JSON.
            let json = text.replacingOccurrences(of: "'", with: "\"")
            guard let parsed = JSON.parse(Data(json.utf8)), let items = try VolumeBody.metadataObject(parsed) else {
                throw APIError.badRequest("Invalid input received: metadata filter \(text) is not a dictionary.")
            }
            filter.metadata = items
        }
        filter.allProjects = q["all_tenants"] == "" ? true : try q.bool("all_tenants") ?? false
        filter.projectID = q["project_id"]
        if context.serves(.likeFilters) { filter.nameContains = q["name~"] }
        if context.serves(.glanceMetadataFilter), let text = q["glance_metadata"] {
            let json = text.replacingOccurrences(of: "'", with: "\"")
            guard let parsed = JSON.parse(Data(json.utf8)), let items = try VolumeBody.metadataObject(parsed) else {
                throw APIError.badRequest("Invalid input received: glance_metadata filter \(text) is not a dictionary.")
            }
            filter.imageMetadata = items
        }
        var volumes = try await cloud.volumes.list(filter, by: p)
        // No generic volume groups here: a group filter matches none.
        if context.serves(.groupFilter), q["group_id"] != nil { volumes = [] }
        if let sort = q["sort"] ?? q["sort_key"].map({ key in q["sort_dir"].map { "\(key):\($0)" } ?? key }) {
            volumes = try VolumePage.sorted(volumes, by: sort)
        }
        let total: [(String, JSON)] = try context.serves(.listCount) && (q.bool("with_count") ?? false) ? [("count", .int(volumes.count))] : []
        return (try VolumePage(volumes, limit: try q.int("limit"), marker: q["marker"], offset: try q.int("offset"), query: q), total)
    }
}

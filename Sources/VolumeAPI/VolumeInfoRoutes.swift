import CloudModel
import ControlPlane
import Hummingbird
import OpenStackHTTP

/// Volume types (the one default type), quota sets, absolute limits and availability zones.
struct VolumeInfoRoutes: Sendable {
    let cloud: ControlPlane

    func register(on v3: RouterGroup<APIRequestContext>) {
        v3.get("types") { _, context in
            _ = try VolumeRoutes(cloud: cloud).project(context)
            return Response.json(.object([("volume_types", .array(VolumeType.all.map { VolumeViews.type($0) }))]))
        }
        v3.get("types/default") { _, context in
            _ = try VolumeRoutes(cloud: cloud).project(context)
            return Response.json(.object([("volume_type", VolumeViews.type(.defaultType))]))
        }
        v3.get("types/:type") { _, context in
            _ = try VolumeRoutes(cloud: cloud).project(context)
            let name = try context.parameters.require("type")
            guard let t = VolumeType.find(name) else { throw APIError.notFound("Volume type \(name) could not be found.") }
            return Response.json(.object([("volume_type", VolumeViews.type(t))]))
        }
        v3.get("extensions") { _, context in
            _ = try VolumeRoutes(cloud: cloud).project(context)
            return Response.json(.object([("extensions", .array(Self.extensions.map { alias, name, what in
                .object([("alias", .string(alias)), ("name", .string(name)), ("description", .string(what)),
                         ("namespace", .string("https://docs.openstack.org/volume/ext/\(alias)/api/v1")),
                         ("updated", "2026-12-01T00:00:00+00:00"), ("links", [])])
            }))]))
        }
        v3.get("os-availability-zone") { _, context in
            _ = try VolumeRoutes(cloud: cloud).project(context)
            let zones = await cloud.sites.all().map { site -> JSON in
                .object([("zoneName", .string(site.id)), ("zoneState", .object([("available", true)]))])
            }
            return Response.json(.object([("availabilityZoneInfo", .array(zones))]))
        }
        v3.get("limits") { request, context in
            let p = try VolumeRoutes(cloud: cloud).project(context)
            var project = p.projectID ?? ""
            // From 3.39 an admin may ask for another project's.
            if let other = request.uri.queryParameters["project_id"].map(String.init), context.serves(.limitsForProject) {
                guard p.isAdmin else { throw APIError(status: 403, message: "Policy doesn't allow limits_extension:used_limits to be performed.") }
                project = other
            }
            let quota = try await cloud.volumeQuotas.quota(for: project)
            let used = try await cloud.volumeQuotas.usage(of: project)
            return Response.json(.object([("limits", .object([("rate", []), ("absolute", .object([
                ("maxTotalVolumes", .int(quota.volumes)), ("maxTotalSnapshots", .int(quota.snapshots)),
                ("maxTotalVolumeGigabytes", .int(quota.gigabytes)), ("maxTotalBackups", .int(quota.backups)),
                ("maxTotalBackupGigabytes", .int(quota.backupGigabytes)),
                ("totalVolumesUsed", .int(used["volumes", default: 0])), ("totalGigabytesUsed", .int(used["gigabytes", default: 0])),
                ("totalSnapshotsUsed", .int(used["snapshots", default: 0])), ("totalBackupsUsed", .int(used["backups", default: 0])),
                ("totalBackupGigabytesUsed", .int(used["backup_gigabytes", default: 0])),
            ]))]))]))
        }
        v3.get("os-quota-sets/:target/defaults") { _, context in
            _ = try VolumeRoutes(cloud: cloud).project(context)
            return Response.json(.object([("quota_set", quotaSet(id: try context.parameters.require("target"), .defaults, usage: nil))]))
        }
        v3.get("os-quota-sets/defaults") { _, context in
            _ = try VolumeRoutes(cloud: cloud).project(context)
            return Response.json(.object([("quota_set", quotaSet(id: "defaults", VolumeQuota.defaults, usage: nil))]))
        }
        v3.get("os-quota-sets/:target") { request, context in
            let p = try VolumeRoutes(cloud: cloud).project(context)
            let target = try context.parameters.require("target")
            guard target == p.projectID || p.isAdmin else {
                throw APIError(status: 403, message: "Policy doesn't allow volume_extension:quotas:show to be performed.")
            }
            let usage = try request.query.bool("usage") ?? false
            let quota = try await cloud.volumeQuotas.quota(for: target)
            let used = usage ? try await cloud.volumeQuotas.usage(of: target) : nil
            return Response.json(.object([("quota_set", quotaSet(id: target, quota, usage: used))]))
        }
        v3.put("os-quota-sets/:target") { request, context in
            let p = try VolumeRoutes(cloud: cloud).project(context)
            let target = try context.parameters.require("target")
            let body = try VolumeBody(try await request.json(context: context), "quota_set")
            var values: [String: Int] = [:]
            for (name, _) in body.members where name != "tenant_id" && name != "id" {
                guard let n = try body.integer(name) else { continue }
                values[name] = n
            }
            let quota = try await cloud.volumeQuotas.update(project: target, values, by: p)
            return Response.json(.object([("quota_set", quotaSet(id: nil, quota, usage: nil))]))
        }
        v3.delete("os-quota-sets/:target") { _, context in
            let p = try VolumeRoutes(cloud: cloud).project(context)
            try await cloud.volumeQuotas.reset(project: try context.parameters.require("target"), by: p)
            return Response.empty(.ok)
        }
    }

    /// The Cinder extensions this API serves (alias, name, what it gives).
    static let extensions: [(String, String, String)] = [
        ("os-admin-actions", "AdminActions", "Reset status and force delete of volumes and backups."),
        ("os-availability-zone", "AvailabilityZones", "The availability zones (sites)."),
        ("backups", "Backups", "Volume backups, kept at any site."),
        ("os-extended-snapshot-attributes", "ExtendedSnapshotAttributes", "Project and progress of snapshots."),
        ("os-quota-sets", "Quotas", "Quota sets of projects."),
        ("os-used-limits", "UsedLimits", "Usage in the absolute limits."),
        ("os-vol-host-attr", "VolumeHostAttribute", "The storage host of volumes, for admins."),
        ("os-vol-image-meta", "VolumeImageMetadata", "The image metadata of volumes made from images."),
        ("os-vol-mig-status-attr", "VolumeMigStatusAttribute", "The migration status of volumes, for admins."),
        ("os-vol-tenant-attr", "VolumeTenantAttribute", "The project of volumes."),
        ("os-volume-actions", "VolumeActions", "Volume actions: extend, attach, detach, bootable, connections."),
    ]

    /// Cinder's quota set: each limit, or `{limit, in_use, reserved, allocated}` with `usage=True`.
    func quotaSet(id: String?, _ quota: VolumeQuota, usage: [String: Int]?) -> JSON {
        var m: [(String, JSON)] = id.map { [("id", .string($0))] } ?? []
        for (name, limit) in quota.items {
            if let usage {
                m.append((name, .object([("limit", .int(limit)), ("in_use", .int(usage[name, default: 0])), ("reserved", 0), ("allocated", 0)])))
            } else {
                m.append((name, .int(limit)))
            }
        }
        return .object(m)
    }
}

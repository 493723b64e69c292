import CloudModel
import Foundation
import ControlPlane
import OpenStackHTTP

/// Cinder v3.0's JSON for volumes and their attachments (tempest's schemas: every required key,
/// `bootable` as the strings "true"/"false").
enum VolumeViews {
    static func links(_ base: String, project: String, _ kind: String, _ id: String) -> JSON {
        [.object([("href", .string("\(base)/volume/v3/\(project)/\(kind)/\(id)")), ("rel", "self")]),
         .object([("href", .string("\(base)/volume/\(project)/\(kind)/\(id)")), ("rel", "bookmark")])]
    }

    static func attachment(_ a: VolumeAttachment, of v: Volume) -> JSON {
        .object([("id", .string(v.id)), ("attachment_id", .string(a.id)), ("volume_id", .string(v.id)),
                 ("server_id", .string(a.serverID)), ("host_name", JSON(a.hostName)), ("device", .string(a.device)),
                 ("attached_at", .string(Timestamps.micros(a.attachedAt)))])
    }

    /// The full view; `summary` (create and update answers) leaves out the admin attributes.
    static func volume(_ v: Volume, base: String, admin: Bool, version: APIVersion, summary: Bool = false) -> JSON {
        let source: (image: String?, snapshot: String?, volume: String?) = switch v.source {
        case let .image(i): (i, nil, nil)
        case let .snapshot(s): (nil, s, nil)
        case let .volume(id): (nil, nil, id)
        case .backup, nil: (nil, nil, nil)
        }
        var m: [(String, JSON)] = [
            ("id", .string(v.id)), ("name", v.name.isEmpty ? .null : .string(v.name)),
            ("description", v.description.isEmpty ? .null : .string(v.description)),
            ("size", .int(v.sizeGB)), ("status", .string(v.status.rawValue)), ("availability_zone", .string(v.site)),
            ("volume_type", .string(v.typeName)), ("bootable", v.bootable ? "true" : "false"), ("encrypted", false),
            ("multiattach", false), ("attachments", .array(v.attachments.map { attachment($0, of: v) })),
            ("metadata", .object(v.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("links", links(base, project: v.projectID, "volumes", v.id)),
            ("created_at", .string(Timestamps.micros(v.createdAt))),
            ("updated_at", v.updatedAt == v.createdAt ? .null : .string(Timestamps.micros(v.updatedAt))),
            ("replication_status", .null), ("consistencygroup_id", .null), ("snapshot_id", JSON(source.snapshot)),
            ("source_volid", JSON(source.volume)), ("user_id", .string(v.userID)), ("migration_status", .null),
        ]
        // The image's metadata is in the full view only (Cinder's create and update answers have none).
        if summary {
        } else if !v.imageMetadata.isEmpty {
            m.append(("volume_image_metadata", .object(v.imageMetadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        } else if let image = source.image {
            m.append(("volume_image_metadata", .object([("image_id", .string(image))])))
        }
        if VolumeFeature.groupInViews.served(at: version) { m.append(("group_id", .null)) }
        if VolumeFeature.sharedTargets.served(at: version) {
            m += [("shared_targets", false), ("service_uuid", .string(serviceUUID(v.site)))]
        }
        if !summary {
            if admin && VolumeFeature.providerID.served(at: version) { m.append(("provider_id", .null)) }
            m.append(("os-vol-tenant-attr:tenant_id", .string(v.projectID)))
            if admin {
                m += [("os-vol-host-attr:host", .string("\(v.site)@file#\(v.site)")), ("os-vol-mig-status-attr:migstat", .null),
                      ("os-vol-mig-status-attr:name_id", .null)]
            }
        }
        return .object(m)
    }

    /// The ID of a site's volume service (3.48 `service_uuid`): the same for every volume of
    /// the site, derived from its name (FNV-1a, laid out as a UUID).
    static func serviceUUID(_ site: String) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in site.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 ^ a
        }
        let hex = String(format: "%016llx%016llx", a, b)
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }

    static func brief(_ v: Volume, base: String) -> JSON {
        .object([("id", .string(v.id)), ("name", v.name.isEmpty ? .null : .string(v.name)),
                 ("links", links(base, project: v.projectID, "volumes", v.id))])
    }

    static func type(_ t: VolumeType) -> JSON {
        .object([("id", .string(t.id)), ("name", .string(t.name)), ("description", .string(t.description)),
                 ("is_public", true), ("extra_specs", .object([])), ("qos_specs_id", .null),
                 ("os-volume-type-access:is_public", true)])
    }
}

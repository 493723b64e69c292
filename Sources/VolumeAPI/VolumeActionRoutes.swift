import CloudModel
import ControlPlane
import Hummingbird
import OpenStackHTTP
import StateStore

/// `POST /volumes/{id}/action`: one action per body (`{"os-extend": {"new_size": 2}}`), 202 with
/// no body except `os-initialize_connection` (200 with the connection).
struct VolumeActionRoutes: Sendable {
    let cloud: ControlPlane

    static let actions: Set<String> = [
        "os-extend", "os-set_bootable", "os-reset_status", "os-reserve", "os-unreserve", "os-begin_detaching",
        "os-roll_detaching", "os-attach", "os-detach", "os-initialize_connection", "os-terminate_connection", "os-force_delete", "revert",
        "os-set_image_metadata", "os-unset_image_metadata", "os-show_image_metadata",
    ]

    func register(on v3: RouterGroup<APIRequestContext>) {
        v3.post("volumes/:id/action") { request, context in
            let p = try VolumeRoutes(cloud: cloud).project(context)
            let id = try context.parameters.require("id")
            let body = try await request.json(context: context)
            let name = try VolumeBody.actionName(body)
            guard Self.actions.contains(name), name != "revert" || context.serves(.revert) else {
                throw APIError.badRequest("There is no such action: \(name)")
            }
            let args = try VolumeBody(body, name)
            let volumes = cloud.volumes
            switch name {
            case "os-extend":
                guard let size = try args.integer("new_size") else { throw APIError.badRequest("Invalid input received: new_size is required.") }
                // From 3.42 Cinder extends in-use volumes unless policy forbids it; here it does.
                if context.serves(.extendInUsePolicy), try await volumes.get(id, by: p).value.status == .inUse {
                    throw APIError(status: 403, message: "Policy doesn't allow volume:extend_attached_volume to be performed.")
                }
                _ = try await volumes.extend(id, to: size, by: p)
            case "os-set_image_metadata":
                guard let items = try args.metadata() else { throw APIError.badRequest("Malformed request body: metadata is required.") }
                let result = try await volumes.changeImageMetadata(id, by: p) { $0.merge(items) { _, new in new } }
                return Response.json(.object([("metadata", VolumeRoutes.metadata(result))]))
            case "os-unset_image_metadata":
                guard let key = try args.string("key") else { throw APIError.badRequest("Malformed request body: key is required.") }
                _ = try await volumes.changeImageMetadata(id, by: p) { meta in
                    guard meta.removeValue(forKey: key) != nil else { throw APIError.notFound("Glance metadata \(key) of volume \(id) could not be found.") }
                }
                return Response.empty(.ok)
            case "os-show_image_metadata":
                let v = try await volumes.get(id, by: p).value
                return Response.json(.object([("metadata", VolumeRoutes.metadata(v.imageMetadata))]))
            case "revert":
                guard let snapshotID = try args.string("snapshot_id") else { throw APIError.badRequest("Invalid input received: snapshot_id is required.") }
                _ = try await volumes.revert(id, toSnapshot: snapshotID, by: p)
            case "os-set_bootable":
                guard let bootable = try args.boolean("bootable") else { throw APIError.badRequest("Invalid input received: bootable is required.") }
                try await volumes.setBootable(id, bootable, by: p)
            case "os-reset_status":
                try await volumes.resetStatus(id, status: try args.string("status"), attachStatus: try args.string("attach_status"), by: p)
            case "os-reserve": try await volumes.reserve(id, by: p)
            case "os-unreserve": try await volumes.unreserve(id, by: p)
            case "os-begin_detaching": try await volumes.beginDetaching(id, by: p)
            case "os-roll_detaching": try await volumes.rollDetaching(id, by: p)
            case "os-attach":
                guard let mountpoint = try args.string("mountpoint") else { throw APIError.badRequest("Invalid input received: mountpoint is required.") }
                try await volumes.recordAttach(id, serverID: try args.string("instance_uuid"), hostName: try args.string("host_name"),
                                               mountpoint: mountpoint, by: p)
            case "os-detach": try await volumes.recordDetach(id, attachmentID: try args.string("attachment_id"), by: p)
            case "os-force_delete": try await volumes.delete(id, force: true, by: p)
            case "os-initialize_connection":
                guard args.value("connector")?.members != nil else { throw APIError.badRequest("Invalid input received: connector is required.") }
                let c = try await volumes.connection(id, by: p)
                return Response.json(.object([("connection_info", .object([
                    ("driver_volume_type", "local"),
                    ("data", .object([("device_path", .string(c.path)), ("format", .string(c.format)), ("volume_id", .string(id))])),
                ]))]))
            default:  // os-terminate_connection: nothing is exported per host, nothing to undo
                guard args.value("connector")?.members != nil else { throw APIError.badRequest("Invalid input received: connector is required.") }
                _ = try await volumes.get(id, by: p)
            }
            return Response.empty(.accepted)
        }
    }
}

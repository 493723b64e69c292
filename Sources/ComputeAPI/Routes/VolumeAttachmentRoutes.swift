import CloudModel
import ControlPlane
import Hummingbird
import OpenStackHTTP

/// `/servers/{id}/os-volume_attachments`: list, show, attach (a volume of the server's site) and
/// detach. At 2.1 an attachment is exactly `id, volumeId, serverId, device`; `tag` from 2.70,
/// `delete_on_termination` from 2.79, `attachment_id` and `bdm_uuid` instead of `id` from 2.89.
/// A `tag` may be given from 2.49, `delete_on_termination` from 2.79.
struct VolumeAttachmentRoutes: Sendable {
    let cloud: ControlPlane

    static func view(_ v: ServerVolume, server: String, context: APIRequestContext) -> JSON {
        var m: [(String, JSON)] = context.serves(.volumeAttachmentIDs) ? [] : [("id", .string(v.volumeID))]
        m += [("volumeId", .string(v.volumeID)), ("serverId", .string(server)), ("device", .string(v.device))]
        if context.serves(.interfaceTagsShown) { m.append(("tag", JSON(v.tag))) }
        if context.serves(.volumeDeleteOnTermination) { m.append(("delete_on_termination", .bool(v.deleteOnTermination))) }
        if context.serves(.volumeAttachmentIDs) { m += [("attachment_id", .string(v.attachmentID)), ("bdm_uuid", .string(v.mappingID))] }
        return .object(m)
    }

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.get("servers/:id/os-volume_attachments") { request, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            var refs = try await cloud.serverVolumes.list(id, by: p)
            let q = request.query
            if let offset = try q.int("offset") { refs = Array(refs.dropFirst(max(0, offset))) }
            if let limit = try q.int("limit") { refs = Array(refs.prefix(max(0, limit))) }
            return Response.json(.object([("volumeAttachments", .array(refs.map { Self.view($0, server: id, context: context) }))]))
        }
        v21.get("servers/:id/os-volume_attachments/:volume") { _, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let ref = try await cloud.serverVolumes.get(id, volumeID: try context.parameters.require("volume"), by: p)
            return Response.json(.object([("volumeAttachment", Self.view(ref, server: id, context: context))]))
        }
        v21.post("servers/:id/os-volume_attachments") { request, context in
            let p = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let body = try await request.json(context: context)
            guard let attachment = body["volumeAttachment"], let members = attachment.members else {
                throw APIError.badRequest("Invalid input for field/attribute volumeAttachment. Value: \(body). 'volumeAttachment' is a required property")
            }
            var allowed: Set<String> = ["volumeId", "device"]
            if context.serves(.interfaceTags) { allowed.insert("tag") }
            if context.serves(.volumeDeleteOnTermination) { allowed.insert("delete_on_termination") }
            if let unknown = members.map(\.0).first(where: { !allowed.contains($0) }) {
                throw APIError.badRequest("Invalid input for field/attribute volumeAttachment. Additional properties are not allowed ('\(unknown)' was unexpected)")
            }
            guard let volumeID = attachment["volumeId"]?.string, ResourceID.isUUID(volumeID) else {
                throw APIError.badRequest("Invalid input for field/attribute volumeId. Value: \(attachment["volumeId"] ?? .null). 'volumeId' must be a UUID")
            }
            if let device = attachment["device"], !device.isNull {
                guard let text = device.string, text.hasPrefix("/dev/") else {
                    throw APIError.badRequest("Invalid input for field/attribute device. Value: \(device). must be a device path such as /dev/vdc")
                }
            }
            var tag: String?
            if let value = attachment["tag"], !value.isNull {
                guard let text = value.string, (1...60).contains(text.count), !text.contains(","), !text.contains("/") else {
                    throw APIError.badRequest("Invalid input for field/attribute tag. Value: \(value). 1 to 60 characters without ',' or '/'")
                }
                tag = text
            }
            var deleteOnTermination = false
            if let value = attachment["delete_on_termination"] {
                guard let flag = value.bool else {
                    throw APIError.badRequest("Invalid input for field/attribute delete_on_termination. Value: \(value). must be a boolean")
                }
                deleteOnTermination = flag
            }
            let ref = try await cloud.serverVolumes.attach(id, volumeID: volumeID, deleteOnTermination: deleteOnTermination, tag: tag, by: p)
            return Response.json(.object([("volumeAttachment", Self.view(ref, server: id, context: context))]))
        }
        v21.delete("servers/:id/os-volume_attachments/:volume") { _, context in
            let p = try context.requirePrincipal()
            try await cloud.serverVolumes.detach(try context.parameters.require("id"), volumeID: try context.parameters.require("volume"), by: p)
            return Response.empty(.accepted)
        }
    }
}

import CloudModel
import ControlPlane
import Foundation
import OpenStackHTTP

/// Glance v2 request bodies and image view.
enum ImageWire {
    static let diskFormats: Set<String> = ["ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"]
    static let containerFormats: Set<String> = ["ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"]
    static let reserved: Set<String> = ["status", "checksum", "size", "virtual_size", "self", "file", "schema", "created_at",
                                        "updated_at", "locations", "direct_url", "os_hash_algo", "os_hash_value", "stores"]
    static let core: Set<String> = ["id", "name", "disk_format", "container_format", "visibility", "min_disk", "min_ram",
                                    "protected", "tags", "os_hidden", "owner"]

    /// A new image from `POST /v2/images`.
    static func image(from body: JSON, owner: String, isAdmin: Bool) throws -> Image {
        guard let members = body.members else { throw APIError.badRequest("The request body must be a JSON object.") }
        func string(_ key: String) throws -> String? {
            guard let value = body[key], !value.isNull else { return nil }
            guard let text = value.string else { throw APIError.badRequest("Invalid value for '\(key)': must be a string.") }
            return text
        }
        func integer(_ key: String) throws -> Int {
            guard let value = body[key], !value.isNull else { return 0 }
            guard let n = value.int, n >= 0 else { throw APIError.badRequest("Invalid value for '\(key)': must be a non-negative integer.") }
            return n
        }
        func boolean(_ key: String) throws -> Bool {
            guard let value = body[key], !value.isNull else { return false }
            guard let b = value.bool else { throw APIError.badRequest("Invalid value for '\(key)': must be a boolean.") }
            return b
        }
        for (key, _) in members where reserved.contains(key) {
            throw APIError(status: 403, message: "Attribute '\(key)' is reserved.")
        }
        let id = try string("id").map { text -> String in
            guard let normalized = ResourceID.normalized(text) else { throw APIError.badRequest("Invalid value for 'id': must be a UUID.") }
            return normalized
        } ?? ResourceID.makeGlobal()
        let disk = try string("disk_format"), container = try string("container_format")
        if let disk, !diskFormats.contains(disk) { throw APIError.badRequest("Invalid value '\(disk)' for 'disk_format'.") }
        if let container, !containerFormats.contains(container) {
            throw APIError.badRequest("Invalid value '\(container)' for 'container_format'.")
        }
        let visibilityText = try string("visibility") ?? "shared"
        guard let visibility = Image.Visibility(rawValue: visibilityText) else {
            throw APIError.badRequest("Invalid value '\(visibilityText)' for 'visibility'.")
        }
        var tags: [String] = []
        if let list = body["tags"], !list.isNull {
            guard let items = list.array?.compactMap(\.string), items.count == list.array?.count else {
                throw APIError.badRequest("Invalid value for 'tags': must be a list of strings.")
            }
            tags = items
        }
        var properties: [String: String] = [:]
        for (key, value) in members where !core.contains(key) {
            guard let text = value.string ?? (value.isNull ? nil : nil) else {
                throw APIError.badRequest("Invalid value for property '\(key)': additional properties must be strings.")
            }
            guard key.count <= 255, text.count <= 65535 else { throw APIError.badRequest("Property '\(key)' is too long.") }
            properties[key] = text
        }
        let imageOwner = isAdmin ? (try string("owner") ?? owner) : owner
        return Image(id: id, name: try string("name") ?? "", visibility: visibility, diskFormat: disk, containerFormat: container,
                     minDiskGB: try integer("min_disk"), minRamMB: try integer("min_ram"), protected: try boolean("protected"),
                     hidden: try boolean("os_hidden"), owner: imageOwner, tags: tags, properties: properties, createdAt: Date())
    }

    /// `PATCH /v2/images/{id}` in either dialect (v2.1 `op/path/value`, or tempest's v2.0 `{"replace": path}`).
    static func changes(from body: JSON) throws -> [ImageChange] {
        guard let operations = body.array else { throw APIError.badRequest("A JSON patch must be a list of operations.") }
        return try operations.map { operation in
            var op = operation["op"]?.string, path = operation["path"]?.string
            if op == nil {
                for candidate in ["replace", "add", "remove"] where operation[candidate] != nil {
                    op = candidate
                    path = operation[candidate]?.string
                }
            }
            guard let op, let path, path.hasPrefix("/") else {
                throw APIError.badRequest("Each patch operation needs 'op' and a 'path' starting with '/'.")
            }
            let name = String(path.dropFirst())
            let value = operation["value"]
            if reserved.contains(name) || name == "id" || name == "owner" && false {
                throw APIError(status: 403, message: "Attribute '\(name)' is read-only.")
            }
            if op == "remove" {
                if core.contains(name) { throw APIError(status: 403, message: "Attribute '\(name)' cannot be removed.") }
                return .removeProperty(name)
            }
            guard op == "replace" || op == "add" else { throw APIError.badRequest("Unsupported patch operation '\(op)'.") }
            func text() throws -> String {
                guard let s = value?.string else { throw APIError.badRequest("Invalid value for '\(name)': must be a string.") }
                return s
            }
            func number() throws -> Int {
                guard let n = value?.int, n >= 0 else { throw APIError.badRequest("Invalid value for '\(name)': must be a non-negative integer.") }
                return n
            }
            func flag() throws -> Bool {
                guard let b = value?.bool else { throw APIError.badRequest("Invalid value for '\(name)': must be a boolean.") }
                return b
            }
            switch name {
            case "name": return .name(try text())
            case "visibility":
                guard let v = Image.Visibility(rawValue: try text()) else { throw APIError.badRequest("Invalid value for 'visibility'.") }
                return .visibility(v)
            case "min_disk": return .minDiskGB(try number())
            case "min_ram": return .minRamMB(try number())
            case "protected": return .protected(try flag())
            case "os_hidden": return .hidden(try flag())
            case "tags":
                guard let tags = value?.array?.compactMap(\.string) else { throw APIError.badRequest("Invalid value for 'tags'.") }
                return .tags(tags)
            case "disk_format":
                let format = try text()
                guard diskFormats.contains(format) else { throw APIError.badRequest("Invalid value '\(format)' for 'disk_format'.") }
                return .diskFormat(format)
            case "container_format":
                let format = try text()
                guard containerFormats.contains(format) else { throw APIError.badRequest("Invalid value '\(format)' for 'container_format'.") }
                return .containerFormat(format)
            case "owner": throw APIError(status: 403, message: "Attribute 'owner' is read-only.")
            default: return .setProperty(name, try text())
            }
        }
    }

    static func view(_ i: Image) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .string(i.id)), ("name", .string(i.name)), ("status", .string(i.status.rawValue)),
            ("visibility", .string(i.visibility.rawValue)), ("protected", .bool(i.protected)), ("os_hidden", .bool(i.hidden)),
            ("checksum", JSON(i.checksum)), ("os_hash_algo", JSON(i.hashAlgo)), ("os_hash_value", JSON(i.hashValue)),
            ("owner", .string(i.owner)), ("size", JSON(i.size)), ("virtual_size", .null), ("min_ram", .int(i.minRamMB)),
            ("min_disk", .int(i.minDiskGB)), ("disk_format", JSON(i.diskFormat)), ("container_format", JSON(i.containerFormat)),
            ("created_at", .string(Timestamps.seconds(i.createdAt))), ("updated_at", .string(Timestamps.seconds(i.updatedAt))),
            ("tags", .array(i.tags.map(JSON.string))), ("self", .string("/v2/images/\(i.id)")),
            ("file", .string("/v2/images/\(i.id)/file")), ("schema", "/v2/schemas/image"),
        ]
        if !i.locations.isEmpty { m.append(("stores", .string(i.locations.joined(separator: ",")))) }
        for (key, value) in i.properties.sorted(by: { $0.key < $1.key }) { m.append((key, .string(value))) }
        return .object(m)
    }
}

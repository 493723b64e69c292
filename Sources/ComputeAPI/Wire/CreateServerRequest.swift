import CloudModel
import ControlPlane
import OpenStackHTTP

/// `POST /servers` body at the request's microversion (`description` from 2.19), validated and
/// mapped to `CreateServerCommand`.
struct CreateServerRequest {
    static let allowed: Set<String> = [
        "name", "imageRef", "flavorRef", "adminPass", "metadata", "networks", "OS-DCF:diskConfig", "accessIPv4",
        "accessIPv6", "availability_zone", "block_device_mapping", "block_device_mapping_v2", "config_drive", "key_name",
        "min_count", "max_count", "return_reservation_id", "security_groups", "user_data", "personality",
    ]

    let command: CreateServerCommand
    let returnReservationID: Bool

    init(_ body: JSON, version: APIVersion) throws {
        guard let server = body["server"], let members = server.members else {
            throw APIError.badRequest("Invalid input for field/attribute server: 'server' is a required property of type object.")
        }
        var allowed = Self.allowed
        if ComputeFeature.description.served(at: version) { allowed.insert("description") }
        if let unknown = members.map(\.0).first(where: { !allowed.contains($0) }) {
            throw APIError.badRequest("Invalid input for field/attribute server. Additional properties are not allowed ('\(unknown)' was unexpected)")
        }
        guard let name = server["name"]?.string else {
            throw APIError.badRequest("Invalid input for field/attribute name: 'name' is a required property of type string.")
        }
        let flavorRef: String
        switch server["flavorRef"] {
        case let .string(s)?: flavorRef = s
        case let .int(i)?: flavorRef = String(i)
        default: throw APIError.badRequest("Invalid input for field/attribute flavorRef: 'flavorRef' is a required property.")
        }
        var imageRef = server["imageRef"]?.string ?? ""
        if server["imageRef"] != nil && server["imageRef"]?.string == nil {
            throw APIError.badRequest("Invalid input for field/attribute imageRef: must be a string.")
        }
        if let mappings = server["block_device_mapping_v2"] {
            guard let list = mappings.array else { throw APIError.badRequest("block_device_mapping_v2 must be a list.") }
            for mapping in list {
                let source = mapping["source_type"]?.string, destination = mapping["destination_type"]?.string ?? "local"
                let bootIndex = mapping["boot_index"]?.int ?? Int(mapping["boot_index"]?.string ?? "")
                guard source == "image", destination == "local", let uuid = mapping["uuid"]?.string else {
                    throw APIError.badRequest("Only image-backed local boot disks are supported; volumes come with the block storage service.")
                }
                if bootIndex == 0 {
                    if !imageRef.isEmpty && imageRef != uuid {
                        throw APIError.badRequest("imageRef and the boot block device mapping name different images.")
                    }
                    imageRef = uuid
                }
            }
        }
        guard !imageRef.isEmpty else { throw APIError.badRequest("Invalid input for field/attribute imageRef: an image is required to boot.") }
        var metadata: [String: String] = [:]
        if let meta = server["metadata"], !meta.isNull {
            guard let items = meta.members else { throw APIError.badRequest("Invalid input for field/attribute metadata: must be an object.") }
            for (key, value) in items {
                guard let text = value.string else {
                    throw APIError.badRequest("Invalid input for field/attribute metadata.\(key): values must be strings.")
                }
                metadata[key] = text
            }
        }
        if let networks = server["networks"] {
            if let list = networks.array, !list.isEmpty {
                throw APIError.badRequest("Networks cannot be requested yet: this cloud has no network service (boot without --network).")
            }
            if let mode = networks.string, mode != "auto", mode != "none" {
                throw APIError.badRequest("Invalid input for field/attribute networks: '\(mode)'.")
            }
        }
        func count(_ key: String) throws -> Int? {
            guard let value = server[key] else { return nil }
            if let n = value.int ?? value.string.flatMap({ Int($0) }), n >= 1 { return n }
            throw APIError.badRequest("Invalid input for field/attribute \(key): must be an integer >= 1.")
        }
        let minCount = try count("min_count") ?? 1
        let maxCount = try count("max_count") ?? minCount
        guard minCount <= maxCount else { throw APIError.badRequest("min_count must be <= max_count") }
        func optionalString(_ key: String) throws -> String? {
            guard let value = server[key], !value.isNull else { return nil }
            guard let text = value.string else { throw APIError.badRequest("Invalid input for field/attribute \(key): must be a string.") }
            return text
        }
        let zone = try optionalString("availability_zone").map(ZoneRequest.init(parsing:))
        // Scheduler hints sit beside "server": the group to join (other hints are accepted, as Nova does).
        let hints = body["os:scheduler_hints"] ?? body["OS-SCH-HNT:scheduler_hints"]
        if let hints, !hints.isNull, hints.members == nil {
            throw APIError.badRequest("Invalid input for field/attribute os:scheduler_hints: must be an object.")
        }
        let group: String?
        switch hints?["group"] {
        case nil, .null?: group = nil
        case let .string(text)?:
            guard let id = ResourceID.normalized(text) else {
                throw APIError.badRequest("Invalid input for field/attribute group. Value: \(text). '\(text)' is not a 'uuid'")
            }
            group = id
        case .array(let items)? where items.count == 1 && items[0].string.flatMap(ResourceID.normalized) != nil:
            group = items[0].string.flatMap(ResourceID.normalized)
        default: throw APIError.badRequest("Invalid input for field/attribute group: must be a UUID.")
        }
        command = CreateServerCommand(
            name: name, flavorRef: flavorRef, imageRef: imageRef, availabilityZone: zone?.zone, host: zone?.host, groupID: group,
            description: try optionalString("description"),
            keyName: try optionalString("key_name"), metadata: metadata, userData: try optionalString("user_data"),
            accessIPv4: try optionalString("accessIPv4") ?? "", accessIPv6: try optionalString("accessIPv6") ?? "",
            minCount: minCount, maxCount: maxCount)
        returnReservationID = server["return_reservation_id"]?.bool ?? false
    }
}

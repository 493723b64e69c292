import CloudModel
import ControlPlane
import OpenStackHTTP

/// `POST /servers` body at the request's microversion, validated and mapped to
/// `CreateServerCommand`: `description` from 2.19, device tags at 2.32 and from 2.42, `networks`
/// required from 2.37, tags from 2.52, no `personality` from 2.57, `trusted_image_certificates`
/// from 2.63, `volume_type` in mappings from 2.67, `host`/`hypervisor_hostname` from 2.74,
/// `hostname` from 2.90 (an FQDN from 2.94).
struct CreateServerRequest {
    static let allowed: Set<String> = [
        "name", "imageRef", "flavorRef", "adminPass", "metadata", "networks", "OS-DCF:diskConfig", "accessIPv4",
        "accessIPv6", "availability_zone", "block_device_mapping", "block_device_mapping_v2", "config_drive", "key_name",
        "min_count", "max_count", "return_reservation_id", "security_groups", "user_data", "personality",
    ]

    var command: CreateServerCommand
    let returnReservationID: Bool

    init(_ body: JSON, version: APIVersion) throws {
        guard let server = body["server"], let members = server.members else {
            throw APIError.badRequest("Invalid input for field/attribute server: 'server' is a required property of type object.")
        }
        var allowed = Self.allowed
        if ComputeFeature.description.served(at: version) { allowed.insert("description") }
        if ComputeFeature.tagsAtBoot.served(at: version) { allowed.insert("tags") }
        if ComputeFeature.noPersonality.served(at: version) { allowed.remove("personality") }
        if ComputeFeature.trustedCertificates.served(at: version) { allowed.insert("trusted_image_certificates") }
        if ComputeFeature.requestedDestination.served(at: version) { allowed.formUnion(["host", "hypervisor_hostname"]) }
        if ComputeFeature.hostname.served(at: version) { allowed.insert("hostname") }
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
        if let legacy = server["block_device_mapping"], !legacy.isNull, legacy.array?.isEmpty != true {
            throw APIError.badRequest("block_device_mapping (the legacy format) is not supported: use block_device_mapping_v2.")
        }
        var bootVolume: CreateServerCommand.BootVolumeRequest?
        var dataVolumes: [CreateServerCommand.BootVolumeRequest] = []
        if let mappings = server["block_device_mapping_v2"] {
            let mapped = try Self.bootDisk(mappings, version: version)
            if let image = mapped.image {
                if !imageRef.isEmpty && imageRef != image {
                    throw APIError.badRequest("imageRef and the boot block device mapping name different images.")
                }
                imageRef = image
            }
            bootVolume = mapped.volume
            dataVolumes = mapped.data
        }
        if bootVolume != nil { imageRef = "" }  // the root disk is the volume (Nova keeps no image for it)
        guard !imageRef.isEmpty || bootVolume != nil else {
            throw APIError.badRequest("Invalid input for field/attribute imageRef: an image, or a block device mapping with boot_index 0, is required to boot.")
        }
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
        let networks: CreateServerCommand.NetworkChoice
        switch server["networks"] {
        case nil:
            if ComputeFeature.networksRequired.served(at: version) {
                throw APIError.badRequest("Invalid input for field/attribute server: 'networks' is a required property.")
            }
            networks = .unspecified
        case let .string(mode)?:
            guard ComputeFeature.networksRequired.served(at: version), mode == "auto" || mode == "none" else {
                throw APIError.badRequest("Invalid input for field/attribute networks. Value: \(mode). '\(mode)' is not one of ['none', 'auto']")
            }
            networks = mode == "auto" ? .auto : .none
        case let .array(list)?:
            var keys: Set<String> = ["uuid", "port", "fixed_ip"]
            if ComputeFeature.deviceTags.served(at: version) { keys.insert("tag") }
            var requests: [CreateServerCommand.NetworkRequest] = []
            for item in list {
                guard let members = item.members else { throw APIError.badRequest("Invalid input for field/attribute networks: each item must be an object.") }
                if let unknown = members.map(\.0).first(where: { !keys.contains($0) }) {
                    throw APIError.badRequest("Invalid input for field/attribute networks. Additional properties are not allowed ('\(unknown)' was unexpected)")
                }
                for key in ["uuid", "port", "fixed_ip"] where item[key] != nil && item[key]?.string == nil && item[key]?.isNull == false {
                    throw APIError.badRequest("Invalid input for field/attribute \(key): must be a string.")
                }
                let request = CreateServerCommand.NetworkRequest(networkID: item["uuid"]?.string, portID: item["port"]?.string,
                                                                 fixedIP: item["fixed_ip"]?.string, tag: try Self.deviceTag(item["tag"]))
                guard request.networkID != nil || request.portID != nil else {
                    throw APIError.badRequest("Bad networks format: each network needs a uuid or a port.")
                }
                requests.append(request)
            }
            networks = .list(requests)
        default:
            throw APIError.badRequest("Invalid input for field/attribute networks: must be a list, 'auto' or 'none'.")
        }
        var securityGroups: [String]? = nil
        if let groups = server["security_groups"], !groups.isNull {
            guard let list = groups.array, list.allSatisfy({ $0["name"]?.string != nil }) else {
                throw APIError.badRequest("Invalid input for field/attribute security_groups: a list of {\"name\": …}.")
            }
            securityGroups = list.compactMap { $0["name"]?.string }
        }
        if let certificates = server["trusted_image_certificates"], !certificates.isNull {
            guard certificates.array != nil else {
                throw APIError.badRequest("Invalid input for field/attribute trusted_image_certificates: must be a list or null.")
            }
            throw APIError.badRequest("Image signature certificate validation is not enabled in this cloud: trusted_image_certificates cannot be used.")
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
        let host = try optionalString("host"), node = try optionalString("hypervisor_hostname")
        if host != nil || node != nil {
            if zone?.host != nil {
                throw APIError.badRequest("The host and hypervisor_hostname parameters cannot be used with the 'zone:host:node' form of availability_zone.")
            }
            if let host, let node, host != node {
                throw APIError.badRequest("Compute host \(host) has no node \(node): each host here is its own node.")
            }
        }
        var tags: [String] = []
        if let value = server["tags"] {
            guard let list = value.array, list.allSatisfy({ $0.string != nil }) else {
                throw APIError.badRequest("Invalid input for field/attribute tags: must be a list of strings.")
            }
            tags = ServerTags.unique(list.compactMap(\.string))
        }
        let hostname = try optionalString("hostname")
        if let hostname, !ComputeFeature.fqdnHostname.served(at: version), hostname.contains(".") {
            throw APIError.badRequest("Invalid input for field/attribute hostname. Value: \(hostname). A hostname is one label (an FQDN needs 2.94).")
        }
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
        // The other hints are kept as Nova keeps them: each value a list of strings.
        var otherHints: [String: [String]] = [:]
        for (key, value) in hints?.members ?? [] where key != "group" {
            switch value {
            case let .string(text): otherHints[key] = [text]
            case let .array(items): otherHints[key] = items.map { $0.string ?? String(decoding: $0.serialized(), as: UTF8.self) }
            default: otherHints[key] = [String(decoding: value.serialized(), as: UTF8.self)]
            }
        }
        command = CreateServerCommand(
            name: name, flavorRef: flavorRef, imageRef: imageRef, availabilityZone: zone?.zone, host: zone?.host ?? host ?? node, groupID: group,
            description: try optionalString("description"),
            keyName: try optionalString("key_name"), metadata: metadata, userData: try optionalString("user_data"),
            accessIPv4: try optionalString("accessIPv4") ?? "", accessIPv6: try optionalString("accessIPv6") ?? "",
            minCount: minCount, maxCount: maxCount)
        command.tags = tags
        command.bootVolume = bootVolume
        command.dataVolumes = dataVolumes
        command.hostname = hostname
        command.schedulerHints = otherHints
        command.networks = networks
        command.securityGroups = securityGroups
        returnReservationID = server["return_reservation_id"]?.bool ?? false
    }

    /// The disks `block_device_mapping_v2` asks for: the image of an image-to-local mapping
    /// (what OSC sends beside `imageRef`), or a root volume (boot index 0, destination volume,
    /// from an image, a snapshot or a volume); and data volumes (destination volume, another
    /// boot index: from an image, a snapshot, a volume, or blank). Local disks other than the
    /// image (ephemeral, swap) are refused with a clear 400.
    static func bootDisk(_ mappings: JSON, version: APIVersion)
        throws -> (image: String?, volume: CreateServerCommand.BootVolumeRequest?, data: [CreateServerCommand.BootVolumeRequest])
    {
        guard let list = mappings.array else { throw APIError.badRequest("Invalid input for field/attribute block_device_mapping_v2: must be a list.") }
        var mappingKeys: Set<String> = ["source_type", "destination_type", "uuid", "boot_index", "delete_on_termination",
                                        "device_name", "device_type", "disk_bus", "guest_format", "volume_size", "no_device",
                                        "connection_info", "snapshot_id", "volume_id", "image_id"]
        if ComputeFeature.deviceTags.served(at: version) { mappingKeys.insert("tag") }
        if ComputeFeature.bdmVolumeType.served(at: version) { mappingKeys.insert("volume_type") }
        var image: String?, volume: CreateServerCommand.BootVolumeRequest?, data: [CreateServerCommand.BootVolumeRequest] = []
        for mapping in list {
            guard let keys = mapping.members?.map(\.0) else { throw APIError.badRequest("Each block device mapping must be an object.") }
            if let unknown = keys.first(where: { !mappingKeys.contains($0) }) {
                throw APIError.badRequest("Invalid input for field/attribute block_device_mapping_v2. Additional properties are not allowed ('\(unknown)' was unexpected)")
            }
            let source = mapping["source_type"]?.string ?? "blank", destination = mapping["destination_type"]?.string ?? "local"
            guard ["image", "volume", "snapshot", "blank"].contains(source) else {
                throw APIError.badRequest("Invalid input for field/attribute source_type. Value: \(source). '\(source)' is not one of ['volume', 'image', 'snapshot', 'blank']")
            }
            guard ["local", "volume"].contains(destination) else {
                throw APIError.badRequest("Invalid input for field/attribute destination_type. Value: \(destination). '\(destination)' is not one of ['local', 'volume']")
            }
            let bootIndex: Int?
            switch mapping["boot_index"] {
            case nil, .null?: bootIndex = nil
            case let .int(i)?: bootIndex = i
            case let .string(text)? where Int(text) != nil: bootIndex = Int(text)
            default: throw APIError.badRequest("Invalid input for field/attribute boot_index: must be an integer or null.")
            }
            guard source != "blank" || destination == "volume" else {
                throw APIError.badRequest("Block Device Mapping is Invalid: ephemeral and swap disks are not supported here (flavors have no ephemeral disk); give a blank volume (destination_type volume) instead.")
            }
            let uuid = mapping["uuid"]?.string ?? ""
            guard source == "blank" || !uuid.isEmpty else {
                throw APIError.badRequest("Block Device Mapping is Invalid: a \(source) mapping needs a uuid.")
            }
            guard bootIndex == 0 || destination == "volume" else {
                throw APIError.badRequest("Block Device Mapping is Invalid: Mapping image to local is not supported.")
            }
            guard bootIndex != 0 || (image == nil && volume == nil) else {
                throw APIError.badRequest("Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.")
            }
            guard bootIndex != 0 || source != "blank" else {
                throw APIError.badRequest("Block Device Mapping is Invalid: a blank volume cannot be the boot disk.")
            }
            if destination == "local" {
                guard source == "image" else {
                    throw APIError.badRequest("Block Device Mapping is Invalid: Mapping \(source) to local is not supported.")
                }
                image = uuid
                continue
            }
            let size: Int?
            switch mapping["volume_size"] {
            case nil, .null?: size = nil
            case let .int(n)? where n >= 1: size = n
            case let .string(text)? where (Int(text) ?? 0) >= 1: size = Int(text)
            default: throw APIError.badRequest("Invalid input for field/attribute volume_size: must be an integer >= 1.")
            }
            let deleteOnTermination: Bool
            switch mapping["delete_on_termination"] {
            case nil, .null?: deleteOnTermination = false
            case let .bool(b)?: deleteOnTermination = b
            case let .string(text)? where ["true", "false", "1", "0", "yes", "no"].contains(text.lowercased()):
                deleteOnTermination = ["true", "1", "yes"].contains(text.lowercased())
            default: throw APIError.badRequest("Invalid input for field/attribute delete_on_termination: must be a boolean.")
            }
            let bootSource: BootVolume.Source = switch source {
            case "image": .image(uuid)
            case "snapshot": .snapshot(uuid)
            case "blank": .blank
            default: .volume(uuid)
            }
            if source == "image", size == nil {
                throw APIError.badRequest("Block Device Mapping is Invalid: Images with destination_type 'volume' need to have a non-zero size specified")
            }
            if source == "blank", size == nil {
                throw APIError.badRequest("Block Device Mapping is Invalid: a blank volume needs a volume_size.")
            }
            let request = CreateServerCommand.BootVolumeRequest(source: bootSource, sizeGB: size, typeName: mapping["volume_type"]?.string,
                                                                deleteOnTermination: deleteOnTermination)
            if bootIndex == 0 { volume = request } else { data.append(request) }
        }
        return (image, volume, data)
    }

    /// A device tag as Nova's schema has it: a string of at most 60 characters without `/` or `,`.
    static func deviceTag(_ value: JSON?) throws -> String? {
        guard let value, !value.isNull else { return nil }
        guard let tag = value.string, (1...60).contains(tag.count), !tag.contains("/"), !tag.contains(",") else {
            throw APIError.badRequest("Invalid input for field/attribute tag. Value: \(value). Does not match pattern '^[^,/]*$' (at most 60 characters).")
        }
        return tag
    }
}

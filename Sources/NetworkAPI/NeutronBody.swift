import OpenStackHTTP

/// A Neutron request body's resource object (`{"network": {...}}`), checked against the
/// attributes the resource accepts: others are 400 "Unrecognized attribute(s)", as Neutron.
struct NeutronBody {
    let fields: JSON
    let resource: String

    init(_ body: JSON, _ resource: String, allowed: Set<String>) throws {
        guard let fields = body[resource], let members = fields.members else {
            throw APIError.badRequest("Resource body required: '\(resource)' must be an object.")
        }
        let unknown = members.map(\.0).filter { !allowed.contains($0) }
        guard unknown.isEmpty else {
            throw APIError.badRequest("Unrecognized attribute(s) '\(unknown.joined(separator: ", "))'")
        }
        self.fields = fields
        self.resource = resource
    }

    func string(_ key: String) throws -> String? {
        guard let value = fields[key], !value.isNull else { return nil }
        guard let text = value.string else { throw APIError.badRequest("Invalid input for \(key). Reason: '\(value)' is not a valid string.") }
        return text
    }

    /// `.some(nil)` when the member is present and null.
    func nullableString(_ key: String) throws -> String?? {
        guard let value = fields[key] else { return nil }
        if value.isNull { return .some(nil) }
        guard let text = value.string else { throw APIError.badRequest("Invalid input for \(key). Reason: not a string or null.") }
        return .some(text)
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = fields[key], !value.isNull else { return nil }
        if let flag = value.bool { return flag }
        if let text = value.string?.lowercased(), ["true", "false", "1", "0"].contains(text) { return text == "true" || text == "1" }
        throw APIError.badRequest("Invalid input for \(key). Reason: '\(value)' cannot be converted to boolean.")
    }

    func int(_ key: String) throws -> Int? {
        guard let value = fields[key], !value.isNull else { return nil }
        if let n = value.int { return n }
        if let text = value.string, let n = Int(text) { return n }
        throw APIError.badRequest("Invalid input for \(key). Reason: '\(value)' is not an integer.")
    }

    func strings(_ key: String) throws -> [String]? {
        guard let value = fields[key], !value.isNull else { return nil }
        guard let list = value.array, list.allSatisfy({ $0.string != nil }) else {
            throw APIError.badRequest("Invalid input for \(key). Reason: not a list of strings.")
        }
        return list.compactMap(\.string)
    }

    func objects(_ key: String) throws -> [JSON]? {
        guard let value = fields[key], !value.isNull else { return nil }
        guard let list = value.array, list.allSatisfy({ $0.members != nil }) else {
            throw APIError.badRequest("Invalid input for \(key). Reason: not a list of objects.")
        }
        return list
    }
}

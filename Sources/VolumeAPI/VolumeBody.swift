import Foundation
import ControlPlane
import OpenStackHTTP

/// The member object of a Cinder request body (`{"volume": {...}}`), read with Cinder's 400s:
/// JSON nulls count as absent (the openstack CLI sends them for every unset field).
struct VolumeBody {
    let members: [(String, JSON)]
    let name: String

    init(_ body: JSON, _ name: String) throws {
        guard let object = body[name], let members = object.members else {
            throw APIError.badRequest("Missing required element '\(name)' in request body.")
        }
        self.members = members
        self.name = name
    }

    func value(_ key: String) -> JSON? {
        guard let v = members.last(where: { $0.0 == key })?.1, !v.isNull else { return nil }
        return v
    }

    func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.string else { throw APIError.badRequest("Invalid input received: \(key) must be a string.") }
        return s
    }

    /// An integer, also written as a string of digits (Cinder accepts both).
    func integer(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        if let n = v.int { return n }
        if let s = v.string, let n = Int(s.trimmingCharacters(in: .whitespaces)) { return n }
        throw APIError.badRequest("Invalid input received: \(key) must be an integer (or string representation of an integer), not \(v).")
    }

    /// A boolean, also `"true"`/`"false"` and the other strings Cinder accepts.
    func boolean(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        if let b = v.bool { return b }
        switch v.string?.lowercased() {
        case "true", "1", "yes", "y", "on", "t": return true
        case "false", "0", "no", "n", "off", "f": return false
        default: throw APIError.badRequest("Invalid input received: \(key) must be a boolean, not \(v).")
        }
    }

    func metadata(_ key: String = "metadata") throws -> [String: String]? {
        try Self.metadataObject(value(key))
    }
}

extension VolumeBody {
    /// A `{"key": "value"}` object of strings (metadata), nil when absent or null.
    static func metadataObject(_ json: JSON?) throws -> [String: String]? {
        guard let json, !json.isNull else { return nil }
        guard let members = json.members else { throw APIError.badRequest("Invalid input received: metadata must be an object.") }
        var result: [String: String] = [:]
        for (k, value) in members {
            guard let s = value.string else { throw APIError.badRequest("Invalid input received: the value of metadata key \(k) must be a string.") }
            result[k] = s
        }
        return result
    }

    /// The name of the one action an action body holds (`{"os-extend": {…}}`); 400 otherwise.
    static func actionName(_ body: JSON) throws -> String {
        guard let members = body.members, members.count == 1, let (name, _) = members.first else {
            throw APIError.badRequest("Malformed request body: exactly one action is expected.")
        }
        return name
    }
}

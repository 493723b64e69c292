import OpenStackHTTP

/// `POST /servers/{id}/remote-consoles` body (2.6; `mks`/`webmks` from 2.8, `spice-direct` from
/// 2.99), validated.
struct RemoteConsoleRequest {
    let type: String

    static let types: [String: Set<String>] = [
        "vnc": ["novnc", "xvpvnc"], "spice": ["spice-html5"], "rdp": ["rdp-html5"], "serial": ["serial"],
    ]

    init(_ body: JSON, version: APIVersion) throws {
        guard let console = body["remote_console"], let protocolName = console["protocol"]?.string,
              let type = console["type"]?.string
        else {
            throw APIError.badRequest("Invalid input for field/attribute remote_console: 'protocol' and 'type' are required properties.")
        }
        var allowed = Self.types
        if ComputeFeature.mksConsoles.served(at: version) { allowed["mks"] = ["webmks"] }
        if ComputeFeature.spiceDirect.served(at: version) { allowed["spice", default: []].insert("spice-direct") }
        guard let types = allowed[protocolName] else {
            throw APIError.badRequest("Invalid input for field/attribute protocol. Value: \(protocolName).")
        }
        guard types.contains(type) else {
            throw APIError.badRequest("Invalid input for field/attribute type. Value: \(type).")
        }
        self.type = type
    }
}

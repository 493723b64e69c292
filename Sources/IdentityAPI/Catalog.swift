import ControlPlane
import Crypto
import Foundation
import LUCBase
import OpenStackHTTP

/// The service catalog this controller hands out: every service of the controller's list at
/// this controller's URL, an entry for its type and one for each alias.
struct Catalog {
    let baseURL: String
    let region: String
    let services: [CatalogEntry]

    private func id(_ parts: String...) -> String {
        SHA256.hash(data: Data(parts.joined(separator: "|").utf8)).prefix(16).hexString
    }

    /// What a service path names in place of the token's project (Cinder's `/volume/v3/{project_id}`).
    static let projectPlaceholder = "{project_id}"

    /// Each catalog type (a service's type and its aliases) with the service's name and path.
    private var entries: [(type: String, name: String, path: String)] {
        services.flatMap { entry in ([entry.type] + entry.aliases).map { (type: $0, name: entry.name, path: entry.path) } }
    }

    /// `GET /v3/services`: one service per catalog type, the IDs the catalog uses.
    var serviceList: [JSON] {
        entries.map { service in
            .object([("id", .string(id(service.type))), ("type", .string(service.type)), ("name", .string(service.name)),
                     ("enabled", true), ("description", .string("\(service.name) of LUC OS")),
                     ("links", .object([("self", .string(baseURL + "/identity/v3/services/" + id(service.type)))]))])
        }
    }

    /// `GET /v3/endpoints`: the catalog's endpoints, with their service's ID.
    var endpointList: [JSON] {
        entries.flatMap { service in
            ["public", "internal", "admin"].map { interface -> JSON in
                let endpoint = id(service.type, interface, baseURL)
                return .object([
                    ("id", .string(endpoint)), ("interface", .string(interface)), ("region", .string(region)),
                    ("region_id", .string(region)), ("service_id", .string(id(service.type))),
                    ("url", .string(baseURL + service.path.replacingOccurrences(of: Self.projectPlaceholder, with: "%(project_id)s"))),
                    ("enabled", true), ("links", .object([("self", .string(baseURL + "/identity/v3/endpoints/" + endpoint))])),
                ])
            }
        }
    }

    /// `GET /v3/regions`: the one region the catalog names.
    var regionList: [JSON] {
        [.object([("id", .string(region)), ("description", ""), ("parent_region_id", .null),
                  ("links", .object([("self", .string(baseURL + "/identity/v3/regions/" + region))]))])]
    }

    /// The catalog of a token scoped to `project`: a path naming the project gets its ID; such
    /// services are left out of a token without a project (as Keystone does).
    func json(project: String?) -> JSON {
        .array(entries.compactMap { service -> JSON? in
            let path: String
            if service.path.contains(Self.projectPlaceholder) {
                guard let project else { return nil }
                path = service.path.replacingOccurrences(of: Self.projectPlaceholder, with: project)
            } else {
                path = service.path
            }
            return
            .object([
                ("endpoints", .array(["public", "internal", "admin"].map { interface in
                    .object([
                        ("id", .string(id(service.type, interface, baseURL))),
                        ("interface", .string(interface)),
                        ("region", .string(region)),
                        ("region_id", .string(region)),
                        ("url", .string(baseURL + path)),
                    ])
                })),
                ("id", .string(id(service.type))),
                ("type", .string(service.type)),
                ("name", .string(service.name)),
            ])
        })
    }
}

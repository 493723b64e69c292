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

    var json: JSON {
        .array(services.flatMap { entry in ([entry.type] + entry.aliases).map { (type: $0, name: entry.name, path: entry.path) } }
                .map { service in
            .object([
                ("endpoints", .array(["public", "internal", "admin"].map { interface in
                    .object([
                        ("id", .string(id(service.type, interface, baseURL))),
                        ("interface", .string(interface)),
                        ("region", .string(region)),
                        ("region_id", .string(region)),
                        ("url", .string(baseURL + service.path)),
                    ])
                })),
                ("id", .string(id(service.type))),
                ("type", .string(service.type)),
                ("name", .string(service.name)),
            ])
        })
    }
}

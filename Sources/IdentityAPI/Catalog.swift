import ControlPlane
import Crypto
import Foundation
import OpenStackHTTP

/// The service catalog this controller hands out: every service at this controller's URL.
struct Catalog {
    let baseURL: String
    let region: String

    static let services: [(type: String, name: String, path: String)] = [
        ("identity", "keystone", "/identity"),
        ("compute", "nova", "/compute/v2.1"),
        ("image", "glance", "/image"),
    ]

    private func id(_ parts: String...) -> String {
        SHA256.hash(data: Data(parts.joined(separator: "|").utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    var json: JSON {
        .array(Self.services.map { service in
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

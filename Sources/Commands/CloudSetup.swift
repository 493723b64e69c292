import AsyncHTTPClient
import DataPlane
import NIOHTTP1
import Foundation

/// What `luc demo` and `luc lab` put into a cloud once it is up, as its operator would: a public
/// image to boot at once and, with a data plane, each site's uplink as an external network.
enum CloudSetup {
    static func admin(_ authURL: String, _ body: (OpenStackSession) async throws -> Void) async throws {
        let client = OpenStackSession.makeClient()
        do {
            let session = try await OpenStackSession.login(authURL: authURL, user: "admin", password: DemoCluster.adminPassword,
                                                           project: "admin", client: client)
            try await body(session)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
    }

    /// A tiny public raw image so that servers can be booted at once: bytes for the fake
    /// driver, LUC's guest disk for qemu.
    static func ensureImage(_ driver: DemoDriver, authURL: String) async throws {
        try await admin(authURL) { session in
            let list = try await session.object(.GET, "image", "/v2/images?name=\(driver.imageName)")
            if let images = list["images"] as? [[String: Any]], images.contains(where: { $0["status"] as? String == "active" }) { return }
            let image = try await session.object(.POST, "image", "/v2/images", json: [
                "name": driver.imageName, "disk_format": "raw", "container_format": "bare", "visibility": "public",
            ])
            guard let id = image["id"] as? String else { throw CommandError("image create answered without an id") }
            try await session.send(.PUT, "image", "/v2/images/\(id)/file", bytes: try driver.imageBytes())
        }
    }

    /// With a data plane: each site's external network `public-<site>` on its uplink LAN
    /// (`Underlay.uplinkNetwork` of the site's index, its outside namespace holding the gateway
    /// address), as an operator registers a PoP's uplink; routers take their gateway and floating
    /// IPs from it.
    static func ensureUplinks(sites: [String], authURL: String) async throws {
        try await admin(authURL) { session in
            for (i, site) in sites.enumerated() {
                let name = "public-\(site)"
                let found = try await session.object(.GET, "network", "/v2.0/networks?name=\(name)")
                if let list = found["networks"] as? [[String: Any]], !list.isEmpty { continue }
                let made = try await session.object(.POST, "network", "/v2.0/networks", json: ["network": [
                    "name": name, "router:external": true, "availability_zone_hints": [site],
                ] as [String: Any]])
                guard let id = (made["network"] as? [String: Any])?["id"] as? String else { throw CommandError("\(name) was not created") }
                let range = Underlay.uplinkNetwork(i + 1), prefix = range.split(separator: ".").prefix(3).joined(separator: ".")
                _ = try await session.object(.POST, "network", "/v2.0/subnets", json: ["subnet": [
                    "name": "\(name)-subnet", "network_id": id, "ip_version": 4, "cidr": range, "enable_dhcp": false,
                    "gateway_ip": Underlay.uplinkAddress(i + 1),
                    "allocation_pools": [["start": "\(prefix).10", "end": "\(prefix).250"]],
                ] as [String: Any]])
            }
        }
    }
}

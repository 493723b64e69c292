import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP
import Scheduling

/// `/os-availability-zone`: one zone per site; `detail` (admins only, 403 otherwise as Nova's
/// policy) adds each site's hosts.
struct AvailabilityZoneRoutes: Sendable {
    let cloud: ControlPlane

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.get("os-availability-zone") { _, context in
            _ = try context.requirePrincipal()
            return Response.json(try await zones(detail: false, admin: false))
        }
        v21.get("os-availability-zone/detail") { _, context in
            guard try context.requirePrincipal().isAdmin else {
                throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed.")
            }
            return Response.json(try await zones(detail: true, admin: true))
        }
    }

    func zones(detail: Bool, admin: Bool) async throws -> JSON {
        let hosts = detail && admin ? try await cloud.hypervisors.everyHost() : []
        let zones: [JSON] = await cloud.sites.all().map { site in
            let siteHosts = hosts.filter { $0.host.site == site.id }
            let hostsJSON: JSON = detail && admin
                ? .object(siteHosts.map { h in
                    (h.host.name, .object([("nova-compute", .object([
                        ("available", .bool(h.isUp && h.host.enabled)), ("active", .bool(h.host.enabled)), ("updated_at", .null),
                    ]))]))
                })
                : .null
            return .object([("zoneName", .string(site.id)), ("zoneState", .object([("available", true)])), ("hosts", hostsJSON)])
        }
        return .object([("availabilityZoneInfo", .array(zones))])
    }
}

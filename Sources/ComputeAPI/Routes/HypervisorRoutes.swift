import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP
import Scheduling

/// `/os-hypervisors`: every host of every site, for admins, with its statistics.
struct HypervisorRoutes: Sendable {
    let cloud: ControlPlane
    var views: ComputeViews { ComputeViews(links: Links(base: cloud.configuration.publicURL)) }

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.get("os-hypervisors") { _, context in
            let hosts = try await cloud.hypervisors.all(by: try context.requirePrincipal())
            return Response.json(.object([("hypervisors", .array(hosts.map { views.hypervisor($0, detail: false, runningVMs: 0) }))]))
        }
        v21.get("os-hypervisors/detail") { _, context in
            let hosts = try await cloud.hypervisors.all(by: try context.requirePrincipal())
            var items: [JSON] = []
            for h in hosts { items.append(views.hypervisor(h, detail: true, runningVMs: try await cloud.hypervisors.runningServers(on: h.host))) }
            return Response.json(.object([("hypervisors", .array(items))]))
        }
        v21.get("os-hypervisors/statistics") { _, context in
            let hosts = try await cloud.hypervisors.all(by: try context.requirePrincipal())
            var running = 0
            for h in hosts { running += try await cloud.hypervisors.runningServers(on: h.host) }
            func sum(_ f: (ComputeHost) -> Int) -> JSON { .int(hosts.map { f($0.host) }.reduce(0, +)) }
            return Response.json(.object([("hypervisor_statistics", .object([
                ("count", .int(hosts.count)), ("current_workload", 0),
                ("disk_available_least", sum { $0.capacity.diskGB - $0.used.diskGB }),
                ("free_disk_gb", sum { $0.capacity.diskGB - $0.used.diskGB }), ("free_ram_mb", sum { $0.capacity.ramMB - $0.used.ramMB }),
                ("local_gb", sum { $0.capacity.diskGB }), ("local_gb_used", sum { $0.used.diskGB }),
                ("memory_mb", sum { $0.capacity.ramMB }), ("memory_mb_used", sum { $0.used.ramMB }), ("running_vms", .int(running)),
                ("vcpus", sum { $0.capacity.vcpus }), ("vcpus_used", sum { $0.used.vcpus }),
            ]))]))
        }
        v21.get("os-hypervisors/:id") { _, context in
            let hosts = try await cloud.hypervisors.all(by: try context.requirePrincipal())
            let id = try context.parameters.require("id")
            guard let h = hosts.first(where: { String($0.host.number) == id }) else {
                throw APIError.notFound("Hypervisor with ID \(id) could not be found.")
            }
            return Response.json(.object([("hypervisor", views.hypervisor(h, detail: true, runningVMs: try await cloud.hypervisors.runningServers(on: h.host)))]))
        }
    }
}

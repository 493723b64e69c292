import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP

/// `/os-quota-sets`: show, detail (limits with what is in use), defaults, update and delete
/// (back to the defaults) of a project's quotas.
struct QuotaSetRoutes: Sendable {
    let cloud: ControlPlane

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.get("os-quota-sets/:project") { _, context in
            let p = try context.requirePrincipal()
            let project = try context.parameters.require("project")
            guard p.isAdmin || p.projectID == project else { throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.") }
            return Response.json(.object([("quota_set", ComputeViews.quotaSet(try await cloud.quotas.quota(for: project), id: project, version: context.computeVersion))]))
        }
        v21.get("os-quota-sets/:project/detail") { _, context in
            let p = try context.requirePrincipal()
            let project = try context.parameters.require("project")
            guard p.isAdmin || p.projectID == project else { throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-quota-sets:detail to be performed.") }
            let limits = ComputeViews.quotaSet(try await cloud.quotas.quota(for: project), id: project, version: context.computeVersion)
            let usage = try await cloud.quotas.usage(of: project)
            let groups = try await cloud.serverGroups.list(allProjects: p.isAdmin, by: p).filter { $0.projectID == project }.count
            // Key pairs belong to users: the caller's count for its own project (as Nova counts them).
            let keypairs = p.projectID == project ? try await cloud.keypairs.list(by: p).count : 0
            let inUse = ["instances": usage.instances, "cores": usage.cores, "ram": usage.ramMB, "server_groups": groups,
                         "key_pairs": keypairs]
            let detail: [(String, JSON)] = limits.members!.map { key, value in
                key == "id" ? (key, value) : (key, .object([("in_use", .int(inUse[key] ?? 0)), ("limit", value), ("reserved", 0)]))
            }
            return Response.json(.object([("quota_set", .object(detail))]))
        }
        v21.delete("os-quota-sets/:project") { _, context in
            try await cloud.quotas.reset(project: try context.parameters.require("project"), by: try context.requirePrincipal())
            return Response.empty(.accepted)
        }
        v21.get("os-quota-sets/:project/defaults") { _, context in
            _ = try context.requirePrincipal()
            return Response.json(.object([("quota_set", ComputeViews.quotaSet(.defaults, id: try context.parameters.require("project"), version: context.computeVersion))]))
        }
        v21.put("os-quota-sets/:project") { request, context in
            let p = try context.requirePrincipal()
            let project = try context.parameters.require("project")
            guard let set = try await request.json(context: context)["quota_set"], let members = set.members else {
                throw APIError.badRequest("Invalid input for field/attribute quota_set: required object.")
            }
            // The keys of the quota set at this version (network ones go at 2.36, injected files at 2.57).
            let known = Set(ComputeViews.quotaSet(.defaults, id: "", version: context.computeVersion).members!.map(\.0)).subtracting(["id"])
            var values: [String: Int] = [:]
            for (key, value) in members where key != "force" {
                guard known.contains(key) else {
                    throw APIError.badRequest("Invalid input for field/attribute quota_set. Additional properties are not allowed ('\(key)' was unexpected)")
                }
                guard let n = value.int ?? value.string.flatMap({ Int($0) }), n >= -1 else {
                    throw APIError.badRequest("Invalid input for field/attribute \(key): must be an integer >= -1.")
                }
                values[key] = n
            }
            let requested = values
            let quota = try await cloud.quotas.update(project: project, by: p) { q in
                if let v = requested["instances"] { q.instances = v }
                if let v = requested["cores"] { q.cores = v }
                if let v = requested["ram"] { q.ramMB = v }
                if let v = requested["key_pairs"] { q.keyPairs = v }
                if let v = requested["metadata_items"] { q.metadataItems = v }
            }
            let body = ComputeViews.quotaSet(quota, id: project, version: context.computeVersion)
            return Response.json(.object([("quota_set", .object(body.members!.filter { $0.0 != "id" }))]))
        }
    }
}

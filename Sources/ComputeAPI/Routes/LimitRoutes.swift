import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP

/// `/limits`: the project's absolute limits and what it uses of them.
struct LimitRoutes: Sendable {
    let cloud: ControlPlane

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.get("limits") { request, context in
            let p = try context.requirePrincipal()
            let project = p.isAdmin ? (request.query["tenant_id"] ?? p.projectID ?? "") : (p.projectID ?? "")
            let quota = try await cloud.quotas.quota(for: project)
            return Response.json(ComputeViews.limits(quota, usage: try await cloud.quotas.usage(of: project), version: context.computeVersion))
        }
    }
}

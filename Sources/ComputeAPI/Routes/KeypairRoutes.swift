import ControlPlane
import Hummingbird
import OpenStackHTTP

/// `/os-keypairs`: import or generate, list, show, delete.
struct KeypairRoutes: Sendable {
    let cloud: ControlPlane
    var views: ComputeViews { ComputeViews(links: Links(base: cloud.configuration.publicURL)) }

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.post("os-keypairs") { request, context in
            let p = try context.requirePrincipal()
            let body = try await request.json(context: context)
            guard let k = body["keypair"], let name = k["name"]?.string else {
                throw APIError.badRequest("Invalid input for field/attribute keypair: 'name' is a required property.")
            }
            if let key = k["public_key"], key.string == nil {
                throw APIError.badRequest("Invalid input for field/attribute public_key: must be a string.")
            }
            let (keypair, privateKey) = try await cloud.keypairs.create(name: name, publicKey: k["public_key"]?.string, by: p)
            return Response.json(.object([("keypair", views.keypair(keypair, privateKey: privateKey))]))
        }
        v21.get("os-keypairs") { _, context in
            let list = try await cloud.keypairs.list(by: try context.requirePrincipal())
            return Response.json(.object([("keypairs", .array(list.map(views.keypairListItem)))]))
        }
        v21.get("os-keypairs/:name") { _, context in
            let keypair = try await cloud.keypairs.get(try context.parameters.require("name"), by: try context.requirePrincipal())
            return Response.json(.object([("keypair", views.keypairDetail(keypair))]))
        }
        v21.delete("os-keypairs/:name") { _, context in
            try await cloud.keypairs.delete(try context.parameters.require("name"), by: try context.requirePrincipal())
            return Response.empty(.accepted)
        }
    }
}

import CloudModel
import ControlPlane
import Foundation
import Hummingbird
import OpenStackHTTP

/// `/os-keypairs`: import or generate, list, show, delete. From 2.2 keypairs have a `type` and
/// create/delete answer 201/204; from 2.10 admins act on other users' keypairs (`user_id`).
struct KeypairRoutes: Sendable {
    let cloud: ControlPlane
    var views: ComputeViews { ComputeViews(links: Links(base: cloud.configuration.publicURL)) }

    /// The user whose keypairs are meant: `user_id` of the query (2.10, admins), else the caller.
    static func owner(_ request: Request, _ context: APIRequestContext) -> String? {
        context.serves(.keypairUserID) ? request.query["user_id"] : nil
    }

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.post("os-keypairs") { request, context in
            let p = try context.requirePrincipal()
            let body = try await request.json(context: context)
            guard let k = body["keypair"], let members = k.members else {
                throw APIError.badRequest("Invalid input for field/attribute keypair: 'keypair' is a required property.")
            }
            var allowed: Set<String> = ["name", "public_key"]
            if context.serves(.keypairType) { allowed.insert("type") }
            if context.serves(.keypairUserID) { allowed.insert("user_id") }
            if let unknown = members.map(\.0).first(where: { !allowed.contains($0) }) {
                throw APIError.badRequest("Invalid input for field/attribute keypair. Additional properties are not allowed ('\(unknown)' was unexpected)")
            }
            guard let name = k["name"]?.string else {
                throw APIError.badRequest("Invalid input for field/attribute keypair: 'name' is a required property.")
            }
            for field in ["public_key", "type", "user_id"] where k[field] != nil && k[field]?.string == nil {
                throw APIError.badRequest("Invalid input for field/attribute \(field): must be a string.")
            }
            let type = try k["type"]?.string.map { text -> Keypair.Kind in
                guard let kind = Keypair.Kind(rawValue: text) else {
                    throw APIError.badRequest("Invalid input for field/attribute type. Value: \(text). '\(text)' is not one of ['ssh', 'x509']")
                }
                return kind
            }
            if context.serves(.keypairGenerationRefused) && k["public_key"] == nil {
                throw APIError.badRequest("Invalid input for field/attribute keypair: 'public_key' is a required property (keypair generation was removed in 2.92).")
            }
            let (keypair, privateKey) = try await cloud.keypairs.create(name: name, publicKey: k["public_key"]?.string, type: type,
                                                                        forUser: k["user_id"]?.string,
                                                                        atAndDot: context.serves(.keypairGenerationRefused), by: p)
            return Response.json(.object([("keypair", views.keypair(keypair, privateKey: privateKey,
                                                                    withType: context.serves(.keypairType)))]),
                                 status: context.serves(.keypairCreated201) ? .created : .ok)
        }
        v21.get("os-keypairs") { request, context in
            var list = try await cloud.keypairs.list(ofUser: Self.owner(request, context), by: try context.requirePrincipal())
            let withType = context.serves(.keypairType)
            var members: [(String, JSON)] = []
            if context.serves(.keypairPagination) {
                let q = request.query
                list.sort { $0.name < $1.name }
                let (page, next) = try MarkerPage.apply(list, q, id: \.name)
                list = page
                if let next {
                    var query = "limit=\(page.count)&marker=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                    if let user = q["user_id"] { query += "&user_id=\(user)" }
                    members.append(("keypairs_links", [.object([
                        ("href", .string("\(cloud.configuration.publicURL)/compute/v2.1/os-keypairs?\(query)")), ("rel", "next"),
                    ])]))
                }
            }
            members.insert(("keypairs", .array(list.map { views.keypairListItem($0, withType: withType) })), at: 0)
            return Response.json(.object(members))
        }
        v21.get("os-keypairs/:name") { request, context in
            let keypair = try await cloud.keypairs.get(try context.parameters.require("name"), ofUser: Self.owner(request, context),
                                                       by: try context.requirePrincipal())
            return Response.json(.object([("keypair", views.keypairDetail(keypair, withType: context.serves(.keypairType)))]))
        }
        v21.delete("os-keypairs/:name") { request, context in
            try await cloud.keypairs.delete(try context.parameters.require("name"), ofUser: Self.owner(request, context),
                                            by: try context.requirePrincipal())
            return Response.empty(context.serves(.keypairCreated201) ? .noContent : .accepted)
        }
    }
}

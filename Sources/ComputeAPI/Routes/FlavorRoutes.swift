import CloudModel
import ControlPlane
import Hummingbird
import OpenStackHTTP

/// `/flavors`: list (brief and detail, with minRam/minDisk/is_public/limit/marker), show, create, delete.
struct FlavorRoutes: Sendable {
    let cloud: ControlPlane
    var views: ComputeViews { ComputeViews(links: Links(base: cloud.configuration.publicURL)) }

    func register(on v21: RouterGroup<APIRequestContext>) {
        v21.get("flavors") { request, context in
            let flavors = try await list(request, try context.requirePrincipal())
            let version = context.computeVersion
            return Response.json(.object([("flavors", .array(flavors.map { views.flavorBrief($0, version: version) }))]))
        }
        v21.get("flavors/detail") { request, context in
            let flavors = try await list(request, try context.requirePrincipal())
            let version = context.computeVersion
            return Response.json(.object([("flavors", .array(flavors.map { views.flavor($0, version: version) }))]))
        }
        v21.get("flavors/:id") { _, context in
            _ = try context.requirePrincipal()
            return Response.json(.object([("flavor", views.flavor(try await cloud.flavors.get(try context.parameters.require("id")),
                                                                  version: context.computeVersion))]))
        }
        v21.put("flavors/:id") { request, context in
            let p = try context.requirePrincipal()
            guard context.serves(.flavorDescription) else { throw APIError.notFound() }
            let body = try await request.json(context: context)
            guard let f = body["flavor"], let members = f.members, members.count == 1, members[0].0 == "description",
                  members[0].1.isNull || members[0].1.string != nil
            else { throw APIError.badRequest("Invalid input for field/attribute flavor: only 'description' (a string or null) can change.") }
            let flavor = try await cloud.flavors.update(try context.parameters.require("id"), description: members[0].1.string, by: p)
            return Response.json(.object([("flavor", views.flavor(flavor, version: context.computeVersion))]))
        }
        v21.get("flavors/:id/os-extra_specs") { _, context in
            _ = try context.requirePrincipal()
            _ = try await cloud.flavors.get(try context.parameters.require("id"))
            return Response.json(.object([("extra_specs", .object([]))]))
        }
        v21.post("flavors") { request, context in
            let p = try context.requirePrincipal()
            let body = try await request.json(context: context)
            guard let f = body["flavor"], let name = f["name"]?.string else {
                throw APIError.badRequest("Invalid input for field/attribute flavor: 'name' is a required property.")
            }
            func integer(_ key: String, required: Bool) throws -> Int? {
                guard let value = f[key], !value.isNull else {
                    if required { throw APIError.badRequest("Invalid input for field/attribute \(key): required.") }
                    return nil
                }
                guard let n = value.int ?? value.string.flatMap({ Int($0) }) else {
                    throw APIError.badRequest("Invalid input for field/attribute \(key): must be an integer.")
                }
                return n
            }
            let id: String
            switch f["id"] {
            case nil, .null?: id = ResourceID.makeGlobal()
            case let .string(s)?: id = s
            case let .int(i)?: id = String(i)
            default: throw APIError.badRequest("Invalid input for field/attribute id: must be a string.")
            }
            if f["description"] != nil && !context.serves(.flavorDescription) {
                throw APIError.badRequest("Invalid input for field/attribute flavor. Additional properties are not allowed ('description' was unexpected)")
            }
            if let d = f["description"], !d.isNull, d.string == nil {
                throw APIError.badRequest("Invalid input for field/attribute description: must be a string or null.")
            }
            var flavor = Flavor(id: id, name: name, vcpus: try integer("vcpus", required: true)!, ramMB: try integer("ram", required: true)!,
                                diskGB: try integer("disk", required: true)!,
                                ephemeralGB: try integer("OS-FLV-EXT-DATA:ephemeral", required: false) ?? 0,
                                swapMB: try integer("swap", required: false) ?? 0,
                                isPublic: f["os-flavor-access:is_public"]?.bool ?? true,
                                rxtxFactor: f["rxtx_factor"]?.number ?? 1.0)
            flavor.description = f["description"]?.string
            let created = try await cloud.flavors.create(flavor, by: p)
            return Response.json(.object([("flavor", views.flavor(created, version: context.computeVersion))]))
        }
        v21.delete("flavors/:id") { _, context in
            try await cloud.flavors.delete(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response.empty(.accepted)
        }
    }

    func list(_ request: Request, _ p: Principal) async throws -> [Flavor] {
        let q = request.query
        var isPublic: Bool? = true
        if let text = q["is_public"] {
            isPublic = text.lowercased() == "none" ? nil : try q.bool("is_public")
        } else if p.isAdmin {
            isPublic = nil
        }
        return try await cloud.flavors.list(minRamMB: try q.int("minRam"), minDiskGB: try q.int("minDisk"), isPublic: isPublic,
                                            marker: q["marker"], limit: try q.int("limit"), by: p)
    }
}

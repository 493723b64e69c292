import Foundation
import CloudModel
import OpenStackHTTP

/// One page of a volume listing, as Cinder pages: after `marker` (an ID, 400 when unknown), at
/// most `limit`, with a `volumes_links` next link whenever the page is full.
struct VolumePage {
    let items: [Volume]
    let full: Bool
    let limit: Int?
    let query: Query

    init(_ volumes: [Volume], limit: Int?, marker: String?, offset: Int? = nil, query: Query) throws {
        var rest = volumes[...]
        if let marker {
            guard let index = volumes.firstIndex(where: { $0.id == marker }) else {
                throw APIError.notFound("Marker \(marker) could not be found.")
            }
            rest = volumes[(index + 1)...]
        }
        if let offset {
            guard offset >= 0 else { throw APIError.badRequest("Invalid input received: offset must be a non-negative integer") }
            rest = rest.dropFirst(offset)
        }
        if let limit, limit < 0 { throw APIError.badRequest("Invalid input received: limit must be a non-negative integer") }
        let page = limit.map { Array(rest.prefix($0)) } ?? Array(rest)
        items = page
        full = limit.map { $0 > 0 && page.count == $0 } ?? false
        self.limit = limit
        self.query = query
    }

    /// The answer's members: the items, and the next link when the page is full.
    /// - Parameter path: the listing's path under the project (`volumes`, `volumes/detail`).
    func links(base: String, project: String, key: String, path: String? = nil, items json: [JSON]) -> [(String, JSON)] {
        var members: [(String, JSON)] = [(key, .array(json))]
        if full, let last = items.last, let limit {
            var pairs = query.pairs.filter { $0.0 != "marker" && $0.0 != "limit" }
            pairs += [("limit", String(limit)), ("marker", last.id)]
            let q = pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0.1)" }
            members.append(("\(key)_links", [.object([("href", .string("\(base)/volume/v3/\(project)/\(path ?? key)?\(q.joined(separator: "&"))")),
                                                      ("rel", "next")])]))
        }
        return members
    }

    /// Volumes sorted by Cinder's `sort` (`key[:dir],…`): name, size, status, created_at,
    /// updated_at, id; 400 for another key.
    static func sorted(_ volumes: [Volume], by sort: String) throws -> [Volume] {
        var keys: [(String, Bool)] = []
        for part in sort.split(separator: ",") {
            let bits = part.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let key = bits.first.map({ $0 == "display_name" ? "name" : $0 }),
                  ["name", "size", "status", "created_at", "updated_at", "id", "availability_zone"].contains(key)
            else { throw APIError.badRequest("Invalid input received: Invalid sort key \(part)") }
            let dir = bits.count > 1 ? bits[1].lowercased() : "desc"
            guard ["asc", "desc"].contains(dir) else { throw APIError.badRequest("Invalid input received: Invalid sort dirs passed: \(dir)") }
            keys.append((key, dir == "asc"))
        }
        func compare(_ a: Volume, _ b: Volume, _ key: String) -> Int {
            func c<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
            switch key {
            case "name": return c(a.name, b.name)
            case "size": return c(a.sizeGB, b.sizeGB)
            case "status": return c(a.status.rawValue, b.status.rawValue)
            case "updated_at": return c(a.updatedAt, b.updatedAt)
            case "id": return c(a.id, b.id)
            case "availability_zone": return c(a.site, b.site)
            default: return c(a.createdAt, b.createdAt)
            }
        }
        return volumes.sorted { a, b in
            for (key, ascending) in keys {
                let r = compare(a, b, key)
                if r != 0 { return ascending ? r < 0 : r > 0 }
            }
            return a.id < b.id
        }
    }
}

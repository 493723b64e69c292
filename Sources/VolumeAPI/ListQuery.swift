import Foundation
import OpenStackHTTP

/// What snapshot and backup listings share with Cinder's: `sort` (`key[:dir],…` or
/// `sort_key`/`sort_dir`) over the keys given, `marker` (an ID, 404 when unknown), `offset`, `limit`, the
/// `name~` like filter (3.34) and `with_count` (3.45).
struct ListQuery<Item> {
    /// The sortable keys and how to compare two items by each (`<`).
    let keys: [String: (Item, Item) -> Bool]
    let id: (Item) -> String
    let name: (Item) -> String

    /// The page asked for, and the `count` member when `with_count` asks for it.
    func page(_ all: [Item], _ q: Query, context: APIRequestContext) throws -> ([Item], [(String, JSON)]) {
        var items = all
        if context.serves(.likeFilters), let part = q["name~"] { items = items.filter { name($0).contains(part) } }
        if let sort = q["sort"] ?? q["sort_key"].map({ key in q["sort_dir"].map { "\(key):\($0)" } ?? key }) {
            var order: [((Item, Item) -> Bool, Bool)] = []
            for part in sort.split(separator: ",") {
                let bits = part.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let key = bits.first, let less = keys[key] else { throw APIError.badRequest("Invalid input received: Invalid sort key \(part)") }
                let dir = bits.count > 1 ? bits[1].lowercased() : "desc"
                guard ["asc", "desc"].contains(dir) else { throw APIError.badRequest("Invalid input received: Invalid sort dirs passed: \(dir)") }
                order.append((less, dir == "asc"))
            }
            items.sort { a, b in
                for (less, ascending) in order {
                    if less(a, b) { return ascending }
                    if less(b, a) { return !ascending }
                }
                return id(a) < id(b)
            }
        }
        let count: [(String, JSON)] = try context.serves(.listCount) && (q.bool("with_count") ?? false) ? [("count", .int(items.count))] : []
        if let marker = q["marker"] {
            guard let i = items.firstIndex(where: { id($0) == marker }) else {
                throw APIError.notFound("Marker \(marker) could not be found.")
            }
            items = Array(items[(i + 1)...])
        }
        if let offset = try q.int("offset") {
            guard offset >= 0 else { throw APIError.badRequest("Invalid input received: offset must be a non-negative integer") }
            items = Array(items.dropFirst(offset))
        }
        if let limit = try q.int("limit") {
            guard limit >= 0 else { throw APIError.badRequest("Invalid input received: limit must be a non-negative integer") }
            items = Array(items.prefix(limit))
        }
        return (items, count)
    }
}

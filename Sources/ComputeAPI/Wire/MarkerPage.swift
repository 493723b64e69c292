import OpenStackHTTP

/// Nova's `limit`/`marker` paging of a listing already in order: the items after the one whose
/// ID is `marker` (400 when none is), at most `limit`, and the marker of the next page when more
/// remain.
enum MarkerPage {
    static func apply<T>(_ items: [T], _ q: Query, id: (T) -> String) throws -> (items: [T], next: String?) {
        var list = items
        if let marker = q["marker"] {
            guard let index = list.firstIndex(where: { id($0) == marker }) else {
                throw APIError.badRequest("marker [\(marker)] not found")
            }
            list.removeFirst(index + 1)
        }
        guard let limit = try q.int("limit") else { return (list, nil) }
        guard limit >= 0 else { throw APIError.badRequest("Invalid input for query parameters limit: must be >= 0.") }
        guard list.count > limit else { return (list, nil) }
        list = Array(list.prefix(limit))
        return (list, list.last.map(id))
    }
}

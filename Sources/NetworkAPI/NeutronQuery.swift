import Foundation
import OpenStackHTTP

/// Neutron's list semantics over views: any attribute as a filter (repeated values: any of
/// them), `fields` (only those keys), `sort_key`/`sort_dir`, and `limit`/`marker` paging with
/// `<collection>_links`.
struct NeutronQuery {
    static let reserved: Set<String> = ["fields", "sort_key", "sort_dir", "limit", "marker", "page_reverse"]

    let query: Query

    /// Filters, sorts and pages `items`; the JSON body of the list answer.
    func answer(_ collection: String, _ items: [JSON], baseURL: String, path: String) throws -> JSON {
        var list = items.filter(matches)
        let keys = query.all("sort_key"), dirs = query.all("sort_dir")
        if !keys.isEmpty {
            for dir in dirs where dir != "asc" && dir != "desc" {
                throw APIError.badRequest("Invalid input for sort_dir: '\(dir)' is not in ['asc', 'desc'].")
            }
            list.sort { a, b in
                for (i, key) in keys.enumerated() {
                    let x = Self.sortable(a[key]), y = Self.sortable(b[key])
                    if x != y { return (i < dirs.count ? dirs[i] : "asc") == "asc" ? x < y : x > y }
                }
                return false
            }
        }
        if let marker = query["marker"] {
            guard let index = list.firstIndex(where: { $0["id"]?.string == marker }) else {
                throw APIError.notFound("Marker \(marker) could not be found.")
            }
            list.removeFirst(index + 1)
        }
        var members: [(String, JSON)] = []
        if let limit = try query.int("limit"), limit >= 0, list.count > limit {
            list = Array(list.prefix(limit))
            if let last = list.last?["id"]?.string {
                var pairs = query.pairs.filter { $0.0 != "marker" }
                pairs.append(("marker", last))
                let text = pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
                members.append(("\(collection)_links", [.object([("href", .string("\(baseURL)\(path)?\(text)")), ("rel", "next")])]))
            }
        }
        members.insert((collection, .array(list.map(select))), at: 0)
        return .object(members)
    }

    /// One item, with `fields` applied.
    func select(_ item: JSON) -> JSON {
        let fields = query.all("fields")
        guard !fields.isEmpty, let members = item.members else { return item }
        return .object(members.filter { fields.contains($0.0) })
    }

    func matches(_ item: JSON) -> Bool {
        var wanted: [String: [String]] = [:]
        for (key, value) in query.pairs where !Self.reserved.contains(key) { wanted[key, default: []].append(value) }
        for (key, values) in wanted {
            if key == "fixed_ips" {
                guard Self.matchFixedIPs(item["fixed_ips"], values) else { return false }
                continue
            }
            guard let actual = item[key] else { continue }  // unknown attributes are ignored, as Neutron does
            if case let .bool(flag) = actual {
                guard values.contains(where: { ["true", "1"].contains($0.lowercased()) == flag && ["true", "1", "false", "0"].contains($0.lowercased()) })
                else { return false }
                continue
            }
            if let array = actual.array {
                guard values.contains(where: { v in array.contains { Self.text($0) == v } }) else { return false }
            } else {
                guard values.contains(Self.text(actual)) else { return false }
            }
        }
        return true
    }

    /// `fixed_ips=ip_address=10.0.0.3` / `fixed_ips=subnet_id=…`.
    static func matchFixedIPs(_ ips: JSON?, _ values: [String]) -> Bool {
        let list = ips?.array ?? []
        return values.allSatisfy { value in
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return true }
            if parts[0] == "ip_address_substr" { return list.contains { $0["ip_address"]?.string?.contains(parts[1]) == true } }
            return list.contains { $0[parts[0]]?.string == parts[1] }
        }
    }

    /// A value as a filter compares it: booleans as `True`/`False` or `true`/`false`, numbers as digits.
    static func text(_ value: JSON) -> String {
        switch value {
        case let .string(s): s
        case let .bool(b): b ? "True" : "False"
        case let .int(i): String(i)
        case .null: ""
        default: String(decoding: value.serialized(), as: UTF8.self)
        }
    }

    static func sortable(_ value: JSON?) -> String {
        guard let value else { return "" }
        if case let .int(i) = value { return String(format: "%020d", i) }
        return text(value)
    }
}

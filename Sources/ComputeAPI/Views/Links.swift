import OpenStackHTTP

/// Self and bookmark links of compute resources.
struct Links {
    let base: String

    func links(_ collection: String, _ id: String) -> JSON {
        [
            .object([("href", .string("\(base)/compute/v2.1/\(collection)/\(id)")), ("rel", "self")]),
            .object([("href", .string("\(base)/compute/\(collection)/\(id)")), ("rel", "bookmark")]),
        ]
    }

    func bookmark(_ collection: String, _ id: String) -> JSON {
        [.object([("href", .string("\(base)/compute/\(collection)/\(id)")), ("rel", "bookmark")])]
    }
}

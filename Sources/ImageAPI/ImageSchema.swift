import OpenStackHTTP

/// The JSON schema Glance publishes for an image (`GET /v2/schemas/image`), reduced to the
/// attributes this cloud serves.
enum ImageSchema {
    static let image: JSON = .object([
        ("name", "image"),
        ("additionalProperties", .object([("type", "string")])),
        ("properties", .object([
            ("id", .object([("type", "string"), ("description", "An identifier for the image")])),
            ("name", .object([("type", ["null", "string"]), ("maxLength", 255)])),
            ("status", .object([("type", "string"), ("readOnly", true),
                                ("enum", ["queued", "saving", "active", "killed", "deleted", "deactivated"])])),
            ("visibility", .object([("type", "string"), ("enum", ["community", "public", "private", "shared"])])),
            ("protected", .object([("type", "boolean")])),
            ("os_hidden", .object([("type", "boolean")])),
            ("checksum", .object([("type", ["null", "string"]), ("readOnly", true)])),
            ("os_hash_algo", .object([("type", ["null", "string"]), ("readOnly", true)])),
            ("os_hash_value", .object([("type", ["null", "string"]), ("readOnly", true)])),
            ("owner", .object([("type", ["null", "string"])])),
            ("size", .object([("type", ["null", "integer"]), ("readOnly", true)])),
            ("virtual_size", .object([("type", ["null", "integer"]), ("readOnly", true)])),
            ("container_format", .object([("type", ["null", "string"])])),
            ("disk_format", .object([("type", ["null", "string"])])),
            ("min_ram", .object([("type", "integer")])),
            ("min_disk", .object([("type", "integer")])),
            ("created_at", .object([("type", "string"), ("readOnly", true)])),
            ("updated_at", .object([("type", "string"), ("readOnly", true)])),
            ("tags", .object([("type", "array"), ("items", .object([("type", "string"), ("maxLength", 255)]))])),
            ("self", .object([("type", "string"), ("readOnly", true)])),
            ("file", .object([("type", "string"), ("readOnly", true)])),
            ("schema", .object([("type", "string"), ("readOnly", true)])),
            ("stores", .object([("type", "string"), ("readOnly", true), ("description", "Sites holding the image data")])),
        ])),
        ("links", [.object([("href", "{self}"), ("rel", "self")]), .object([("href", "{file}"), ("rel", "enclosure")]),
                   .object([("href", "{schema}"), ("rel", "describedby")])]),
    ])
}

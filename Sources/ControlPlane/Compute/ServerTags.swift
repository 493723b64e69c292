public import CloudModel
import Foundation
import Synchronization

/// The rules of server tags (2.26) and user-set hostnames (2.90/2.94), shared by boot and the
/// tags API.
public enum ServerTags {
    /// Nova's limit on tags per server.
    public static let maximum = 50

    /// 400 unless every tag is 1 to 60 characters without `,` or `/`, and there are at most 50.
    public static func validate(_ tags: [String]) throws {
        guard tags.count <= maximum else {
            throw ControlPlaneError.badRequest("Invalid input for field/attribute tags: at most \(maximum) tags are allowed.")
        }
        for tag in tags where tag.isEmpty || tag.count > 60 || tag.contains(",") || tag.contains("/") {
            throw ControlPlaneError.badRequest("Invalid input for field/attribute tags. Value: \(tag). A tag is 1 to 60 characters without ',' or '/'.")
        }
    }

    /// `tags` without repeats, in first-seen order.
    public static func unique(_ tags: [String]) -> [String] {
        var seen: Set<String> = []
        return tags.filter { seen.insert($0).inserted }
    }

    /// An RFC 1123 hostname, or (2.94) a fully qualified name of such labels: at most 255
    /// characters, labels of letters, digits and inner dashes.
    public static func validateHostname(_ name: String) throws {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !name.isEmpty && name.count <= 255 && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        guard valid else {
            throw ControlPlaneError.badRequest("Invalid input for field/attribute hostname. Value: \(name). Not a valid hostname.")
        }
    }
}

extension ServerService {
    /// Replaces the server's tags (`PUT /servers/{id}/tags`); returns the new list.
    public func setTags(_ tags: [String], on id: String, by principal: Principal) async throws -> [String] {
        try ServerTags.validate(tags)
        let wanted = ServerTags.unique(tags)
        return try await mutateTags(id, "update tags", by: principal) { _ in wanted }.after
    }

    /// Adds one tag (`PUT /servers/{id}/tags/{tag}`); returns whether it was new.
    public func addTag(_ tag: String, to id: String, by principal: Principal) async throws -> Bool {
        try ServerTags.validate([tag])
        let (before, after) = try await mutateTags(id, "update tag", by: principal) { current in
            guard !current.contains(tag) else { return current }
            guard current.count < ServerTags.maximum else {
                throw ControlPlaneError.badRequest("The number of tags exceeded the per-server limit \(ServerTags.maximum)")
            }
            return current + [tag]
        }
        return before != after
    }

    /// Removes one tag (404 when the server does not have it) or every tag (`tag` nil).
    public func removeTag(_ tag: String?, from id: String, by principal: Principal) async throws {
        _ = try await mutateTags(id, tag == nil ? "delete tags" : "delete tag", by: principal) { current in
            guard let tag else { return [] }
            guard current.contains(tag) else {
                throw ControlPlaneError.notFound("Tag \(tag) could not be found for instance \(id).")
            }
            return current.filter { $0 != tag }
        }
    }

    /// Tags change only while the server is ACTIVE, PAUSED, SUSPENDED or SHUTOFF (409 otherwise),
    /// as in Nova.
    private func mutateTags(_ id: String, _ method: String, by principal: Principal,
                            _ change: @Sendable @escaping ([String]) throws -> [String]) async throws -> (before: [String], after: [String])
    {
        try requireWrite(principal)
        let before = Mutex<[String]>([])
        let server = try await mutate(id, by: principal) { server in
            guard [.active, .paused, .suspended, .stopped].contains(server.vmState) else {
                throw ControlPlaneError.conflict("Cannot '\(method)' instance \(server.id) while it is in vm_state \(server.vmState.rawValue)")
            }
            before.withLock { $0 = server.tags }
            let next = try change(server.tags)
            guard next != server.tags else { return }
            server.tags = next
            server.updatedAt = clock.now()
        }
        return (before.withLock { $0 }, server.tags)
    }
}

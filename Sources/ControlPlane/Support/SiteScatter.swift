public import CloudModel

/// What a scatter-gather over sites brought back: each answering site's part, and the sites
/// that did not answer in time (to be reported, not to fail the whole request).
public struct SiteGather<Part: Sendable>: Sendable {
    public var parts: [Site.ID: Part]
    public var unreachable: [Site.ID]
}

/// Reads every site of `sites` in parallel with `read`, waiting at most `deadline` for each.
/// A site whose read fails or is late is listed as unreachable; its read may go on in the
/// background and is dropped. Used by every cross-site listing.
public func scatter<Part: Sendable>(_ sites: [Site], deadline: Duration,
                                    _ read: @escaping @Sendable (Site) async throws -> Part) async -> SiteGather<Part> {
    await withTaskGroup(of: (Site.ID, Part?).self) { group in
        for site in sites {
            group.addTask { (site.id, await withDeadline(deadline) { try await read(site) }) }
        }
        var gathered = SiteGather<Part>(parts: [:], unreachable: [])
        for await (site, part) in group {
            if let part { gathered.parts[site] = part } else { gathered.unreachable.append(site) }
        }
        gathered.unreachable.sort()
        return gathered
    }
}

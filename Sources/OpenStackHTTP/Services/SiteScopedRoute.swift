public import HTTPTypes

/// Requests about a resource that lives at one site (servers, ports, volumes, floating IPs), and
/// how the site is found: from the resource's ID in the path, or from an availability zone in the
/// body of a create. The site forwarding sends such a request to a controller of that site.
public struct SiteScopedRoute: Sendable {
    /// Where the home site of the request's resource is read from.
    public enum Home: Sendable, Hashable {
        /// The `{id}` segment of the path is a site-scoped resource ID (`ResourceID`).
        case idInPath
        /// The JSON body names an availability zone at this member path (`server`, `availability_zone`).
        case zoneInBody([String])
    }

    /// The method it applies to; nil for any.
    public var method: HTTPRequest.Method?
    /// Path segments: a literal, `*` for any one segment, `{id}` for the resource ID; a last
    /// `**` also matches every path below.
    public var template: [Substring]
    public var home: Home
    /// When the home site does not answer, the request is served here instead of failing, with
    /// `APIRequestContext.unreachableHome` naming the site (a read the service can answer from
    /// what this site knows, such as Nova's minimal view of a server of a down cell).
    public var answersWhenUnreachable: Bool

    /// The header a forwarded request carries naming the site that received it from the client.
    public static let originSiteHeader = HTTPField.Name("X-LUC-Origin-Site")!

    /// A route for requests of `method` only.
    /// - Parameter template: for example `/volume/v3/*/volumes`.
    public init(_ method: HTTPRequest.Method, _ template: String, home: Home, answersWhenUnreachable: Bool = false) {
        self.method = method
        self.template = template.split(separator: "/")
        self.home = home
        self.answersWhenUnreachable = answersWhenUnreachable
    }

    /// A route for requests of any method.
    /// - Parameter template: for example `/compute/v2.1/servers/{id}/**`.
    public init(_ template: String, home: Home) {
        self.method = nil
        self.template = template.split(separator: "/")
        self.home = home
        self.answersWhenUnreachable = false
    }

    /// What a request matched: the resource ID in its path, or the body member naming its zone.
    public enum Match: Sendable, Hashable {
        case id(String)
        case zoneInBody([String])
    }

    /// The match of a request, or nil when the route does not apply to it.
    public func match(method: HTTPRequest.Method, path: String) -> Match? {
        if let wanted = self.method, wanted != method { return nil }
        let segments = path.split(separator: "/")
        var id: String?
        var index = 0
        for part in template {
            if part == "**" { return result(id) }
            guard index < segments.count else { return nil }
            switch part {
            case "*": break
            case "{id}": id = String(segments[index])
            default: guard segments[index] == part else { return nil }
            }
            index += 1
        }
        return index == segments.count ? result(id) : nil
    }

    private func result(_ id: String?) -> Match? {
        switch home {
        case .idInPath: id.map(Match.id)
        case let .zoneInBody(member): .zoneInBody(member)
        }
    }
}

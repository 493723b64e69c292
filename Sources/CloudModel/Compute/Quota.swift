/// The limits a project may use; -1 means unlimited.
public struct Quota: Sendable, Hashable {
    public var instances: Int
    public var cores: Int
    public var ramMB: Int
    public var keyPairs: Int
    public var metadataItems: Int

    public init(instances: Int, cores: Int, ramMB: Int, keyPairs: Int = 100, metadataItems: Int = 128) {
        self.instances = instances
        self.cores = cores
        self.ramMB = ramMB
        self.keyPairs = keyPairs
        self.metadataItems = metadataItems
    }

    /// Nova's defaults.
    public static let defaults = Quota(instances: 10, cores: 20, ramMB: 51200)

    /// The first limit that `usage + request` would exceed, or nil when it fits.
    public func exceeded(usage: Usage, adding request: Usage) -> String? {
        func over(_ limit: Int, _ used: Int, _ more: Int) -> Bool { limit >= 0 && used + more > limit }
        if over(instances, usage.instances, request.instances) { return "instances" }
        if over(cores, usage.cores, request.cores) { return "cores" }
        if over(ramMB, usage.ramMB, request.ramMB) { return "ram" }
        return nil
    }
}

/// What a project uses: counted per site, summed across sites.
public struct Usage: Sendable, Hashable {
    public var instances: Int
    public var cores: Int
    public var ramMB: Int

    public init(instances: Int = 0, cores: Int = 0, ramMB: Int = 0) {
        self.instances = instances
        self.cores = cores
        self.ramMB = ramMB
    }

    public static func + (a: Usage, b: Usage) -> Usage {
        Usage(instances: a.instances + b.instances, cores: a.cores + b.cores, ramMB: a.ramMB + b.ramMB)
    }

    public static func - (a: Usage, b: Usage) -> Usage {
        Usage(instances: a.instances - b.instances, cores: a.cores - b.cores, ramMB: a.ramMB - b.ramMB)
    }
}

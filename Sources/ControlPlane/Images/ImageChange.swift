public import CloudModel

/// One change to an image's metadata (decoded from either JSON-patch dialect by the image API).
public enum ImageChange: Sendable, Hashable {
    case name(String)
    case visibility(Image.Visibility)
    case minDiskGB(Int)
    case minRamMB(Int)
    case protected(Bool)
    case hidden(Bool)
    case tags([String])
    case diskFormat(String?)
    case containerFormat(String?)
    case setProperty(String, String)
    case removeProperty(String)
}

/// Filters, sorting and paging of an image listing.
public struct ImageQuery: Sendable, Hashable {
    public var name: String?
    public var ids: [String]?
    public var status: String?
    public var visibility: String?
    public var owner: String?
    public var containerFormat: String?
    public var diskFormat: String?
    public var sizeMin: Int?
    public var sizeMax: Int?
    public var tags: [String]
    public var hidden: Bool
    public var sortKey: String
    public var ascending: Bool
    public var limit: Int?
    public var marker: String?

    public init(name: String? = nil, ids: [String]? = nil, status: String? = nil, visibility: String? = nil,
                owner: String? = nil, containerFormat: String? = nil, diskFormat: String? = nil, sizeMin: Int? = nil,
                sizeMax: Int? = nil, tags: [String] = [], hidden: Bool = false, sortKey: String = "created_at",
                ascending: Bool = false, limit: Int? = nil, marker: String? = nil) {
        self.name = name
        self.ids = ids
        self.status = status
        self.visibility = visibility
        self.owner = owner
        self.containerFormat = containerFormat
        self.diskFormat = diskFormat
        self.sizeMin = sizeMin
        self.sizeMax = sizeMax
        self.tags = tags
        self.hidden = hidden
        self.sortKey = sortKey
        self.ascending = ascending
        self.limit = limit
        self.marker = marker
    }
}

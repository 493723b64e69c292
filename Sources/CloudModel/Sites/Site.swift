/// One micro data centre at a network point of presence, shown to users as an availability zone.
public struct Site: Sendable, Hashable, Codable {
    public typealias ID = String
    /// Short stable name, also the availability zone name (`rennes`).
    public var id: ID
    /// The number stored in the last 16 bits of the IDs of resources whose home is this site.
    public var index: UInt16
    public var name: String
    public var latitude: Double
    public var longitude: Double

    public init(id: ID, index: UInt16, name: String, latitude: Double, longitude: Double) {
        self.id = id
        self.index = index
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Great-circle distance in kilometres, used to rank sites when no latency is known.
    public func distance(to other: Site) -> Double {
        let r = 6371.0
        let p1 = latitude * .pi / 180, p2 = other.latitude * .pi / 180
        let dp = p2 - p1, dl = (other.longitude - longitude) * .pi / 180
        let a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
        return 2 * r * atan2(a.squareRoot(), (1 - a).squareRoot())
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import CloudModel
import Foundation

/// Version 1 of the stored form of a `Site`.
struct StoredSite: Codable {
    var v = 1
    var id: String
    var index: UInt16
    var name: String
    var lat: Double
    var lon: Double

    init(_ s: Site) { id = s.id; index = s.index; name = s.name; lat = s.latitude; lon = s.longitude }
    var model: Site { Site(id: id, index: index, name: name, latitude: lat, longitude: lon) }
}

import CloudModel

/// Version 1 of the stored form of a `Flavor`.
struct StoredFlavor: Codable {
    var v = 1
    var id: String
    var name: String
    var vcpus: Int
    var ram: Int
    var disk: Int
    var eph: Int
    var swap: Int
    var pub: Bool
    var off: Bool
    var rxtx: Double
    /// Added within v1 (absent: no description).
    var desc: String?

    init(_ f: Flavor) {
        id = f.id; name = f.name; vcpus = f.vcpus; ram = f.ramMB; disk = f.diskGB; eph = f.ephemeralGB
        swap = f.swapMB; pub = f.isPublic; off = f.disabled; rxtx = f.rxtxFactor; desc = f.description
    }

    var model: Flavor {
        var f = Flavor(id: id, name: name, vcpus: vcpus, ramMB: ram, diskGB: disk, ephemeralGB: eph, swapMB: swap,
                       isPublic: pub, disabled: off, rxtxFactor: rxtx)
        f.description = desc
        return f
    }
}

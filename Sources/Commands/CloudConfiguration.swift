import CloudModel
import Foundation

/// The cloud's configuration file (JSON), shared by every process of a deployment.
///
/// ```json
/// {"region": "RegionOne", "secret": "…", "store": {"engine": "embedded", "path": "/var/lib/luc/store"},
///  "dataPath": "/var/lib/luc/data",
///  "sites": [{"id": "rennes", "index": 1, "name": "Rennes", "latitude": 48.11, "longitude": -1.68}],
///  "accounts": [{"user": "admin", "password": "…", "project": "admin", "role": "admin"}]}
/// ```
struct CloudConfiguration: Codable {
    /// Where the state lives. `embedded`: SQLite files in `path` (one machine). `memory`: tests.
    /// `redis` with `redis`: every keyspace on one server (the *shared* deployment, as the
    /// DISCOVERY prototype). `redis` with `global` and `sites`: the *autonomous sites*
    /// deployment, a primary per site, `global` on one primary with a read replica per site in
    /// `globalReplicas`.
    struct StoreSettings: Codable {
        var engine: String
        var path: String?
        var redis: String?
        var global: String?
        var globalReplicas: [String: String]?
        var sites: [String: String]?
        /// Replicas each site commit waits for (Redis `WAIT`), 0 for none.
        var waitReplicas: Int?
    }

    struct SiteSettings: Codable {
        var id: String
        var index: UInt16
        var name: String
        var latitude: Double
        var longitude: Double

        var site: Site { Site(id: id, index: index, name: name, latitude: latitude, longitude: longitude) }
    }

    struct AccountSettings: Codable {
        var user: String
        var password: String
        var project: String
        var role: String
    }

    var region: String
    /// Authenticates internal traffic between controllers and agents.
    var secret: String
    var store: StoreSettings
    /// Where controllers keep image bytes (one folder per site below it).
    var dataPath: String
    var sites: [SiteSettings]
    var accounts: [AccountSettings]
    /// Controllers of other sites are found through their liveness leases (the URL each one
    /// serves at, `--public-url`). Where this site reaches such a URL at another address, this
    /// maps one to the other (the lab's WAN emulator: one relay per pair of sites).
    var routes: [String: String]? = nil
    /// False where one store is shared by all sites and any controller can serve every site
    /// (the demo): requests are then not forwarded (image bytes still come from the site
    /// holding them). Default true.
    var forwardRequests: Bool? = nil
    /// Measured round-trip times in ms between sites (`{"rennes": {"nantes": 8.5}}`), used to
    /// rank sites for placement; pairs missing are estimated from the sites' coordinates.
    var latencyMS: [String: [String: Double]]? = nil

    static func load(_ path: String) throws -> CloudConfiguration {
        do {
            return try JSONDecoder().decode(CloudConfiguration.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CommandError("cannot read the configuration \(path): \(error)")
        }
    }

    func save(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    func site(_ id: String) throws -> SiteSettings {
        guard let site = sites.first(where: { $0.id == id }) else {
            throw CommandError("site '\(id)' is not in the configuration (sites: \(sites.map(\.id).joined(separator: ", ")))")
        }
        return site
    }

    /// Demo sites: PoPs of the French research network, as in the DISCOVERY paper.
    static let demoSites: [SiteSettings] = [
        SiteSettings(id: "rennes", index: 1, name: "Rennes", latitude: 48.117, longitude: -1.678),
        SiteSettings(id: "nantes", index: 2, name: "Nantes", latitude: 47.218, longitude: -1.554),
        SiteSettings(id: "lyon", index: 3, name: "Lyon", latitude: 45.764, longitude: 4.836),
        SiteSettings(id: "grenoble", index: 4, name: "Grenoble", latitude: 45.188, longitude: 5.724),
        SiteSettings(id: "lille", index: 5, name: "Lille", latitude: 50.629, longitude: 3.057),
        SiteSettings(id: "nancy", index: 6, name: "Nancy", latitude: 48.692, longitude: 6.184),
        SiteSettings(id: "sophia", index: 7, name: "Sophia Antipolis", latitude: 43.616, longitude: 7.055),
        SiteSettings(id: "toulouse", index: 8, name: "Toulouse", latitude: 43.604, longitude: 1.444),
    ]
}

/// A failure of a command, printed to the user as is.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

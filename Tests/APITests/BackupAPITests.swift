import CloudModel
import CloudTestSupport
import ControlPlane
import FakeStorageDriver
import Foundation
import HTTPTypes
import OpenStackHTTP
import StorageDriver
import Synchronization
import Testing

/// Cinder's backups through the router over fake storage: a backup kept at another site than
/// the volume's (3.51), restored there into a new volume, tempest's view schema, every refusal;
/// the bytes fetched from the volume's site when this controller cannot reach its storage.
@Suite("Volume backups")
struct BackupAPITests {
    static let waitVolume = VolumeAPITests.waitVolume
    static let v351: HTTPFields = [HTTPField.Name("OpenStack-API-Version")!: "volume 3.51"]

    static func waitBackup(_ api: APIClient, _ token: String, _ url: String, _ status: String) async throws -> JSON? {
        let deadline = ContinuousClock.now + .seconds(10)
        var last: JSON?
        while ContinuousClock.now < deadline {
            let reply = try await api.call(.get, url, token: token)
            last = reply.status == 404 ? nil : reply.json?["backup"]
            if status == "gone" ? reply.status == 404 : last?["status"]?.string == status { return last }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("backup \(url) did not become \(status); last: \(String(describing: last))")
    }

    static func volume(_ api: APIClient, _ token: String, _ base: String, zone: String = "alpha") async throws -> String {
        let made = try await api.call(.post, "\(base)/volumes", token: token, json: #"{"volume":{"size":1,"availability_zone":"\#(zone)"}}"#)
        let id = try #require(made.json?["volume"]?["id"]?.string)
        _ = try await waitVolume(api, token, "\(base)/volumes/\(id)", "available")
        return id
    }

    @Test func aBackupAtAnotherSiteIsRestoredThereIntoANewVolume() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let volumeID = try await Self.volume(api, demo, base)
            // The openstack CLI's body (`volume backup create --availability-zone beta` at 3.51).
            let made = try await api.call(.post, "\(base)/backups", token: demo, json: """
                {"backup":{"volume_id":"\(volumeID)","name":"b1","description":null,"container":null,"incremental":false,"force":false,"availability_zone":"beta"}}
                """, headers: Self.v351)
            #expect(made.status == 202, "\(made.text)")
            let created = try #require(made.json?["backup"])
            #expect(Set(created.members?.map(\.0) ?? []) == ["id", "name", "links", "metadata"], "\(created)")
            let id = try #require(created["id"]?.string)
            let shown = try #require(try await Self.waitBackup(api, demo, "\(base)/backups/\(id)", "available"))
            #expect(shown["availability_zone"] == "beta" && shown["volume_id"]?.string == volumeID && shown["size"] == 1)
            let allowed: Set<String> = ["status", "object_count", "container", "description", "links", "availability_zone", "created_at",
                                        "updated_at", "name", "has_dependent_backups", "volume_id", "fail_reason", "size", "id",
                                        "is_incremental", "data_timestamp", "snapshot_id", "os-backup-project-attr:project_id", "metadata",
                                        "user_id"]
            let keys = Set(shown.members?.map(\.0) ?? [])
            #expect(keys.isSubset(of: allowed) && keys.isSuperset(of: ["status", "object_count", "fail_reason", "links", "created_at",
                                                                      "updated_at", "name", "volume_id", "size", "id", "data_timestamp"]),
                    "tempest's backup schema: \(keys.sorted())")
            #expect(shown["data_timestamp"] != .null)
            // The backup's bytes are at beta's storage alone.
            #expect(try await cloud.storage.driver(for: "beta").listBackups() == [id])
            #expect(try await cloud.storage.driver(for: "alpha").listBackups().isEmpty)
            let listed = try await api.call(.get, "\(base)/backups?name=b1", token: demo).json?["backups"]?.array
            #expect(listed?.count == 1 && listed?.first?["links"] != nil && listed?.first?["status"] == nil)

            // The volume may go: the backup does not depend on it.
            #expect(try await api.call(.delete, "\(base)/volumes/\(volumeID)", token: demo).status == 202)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(volumeID)", "gone")
            let restore = try await api.call(.post, "\(base)/backups/\(id)/restore", token: demo, json: #"{"restore":{"name":"back"}}"#)
            #expect(restore.status == 202, "\(restore.text)")
            #expect(restore.json?["restore"]?["backup_id"]?.string == id && restore.json?["restore"]?["volume_name"] == "back")
            let restoredID = try #require(restore.json?["restore"]?["volume_id"]?.string)
            let restored = try await Self.waitVolume(api, demo, "\(base)/volumes/\(restoredID)", "available")
            #expect(restored?["availability_zone"] == "beta" && restored?["size"] == 1 && restored?["name"] == "back")
            // 3.47: a volume made from a backup directly.
            let direct = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"backup_id":"\#(id)","name":"again"}}"#,
                                            headers: [HTTPField.Name("OpenStack-API-Version")!: "volume 3.47"])
            #expect(direct.status == 202 && direct.json?["volume"]?["availability_zone"] == "beta", "\(direct.text)")
            let directID = try #require(direct.json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(directID)", "available")
            #expect(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"backup_id":"\#(id)"}}"#).status == 400,
                    "backup_id before 3.47")

            // Update from 3.9, delete.
            #expect(try await api.call(.put, "\(base)/backups/\(id)", token: demo, json: #"{"backup":{"name":"x"}}"#).status == 405)
            let renamed = try await api.call(.put, "\(base)/backups/\(id)", token: demo, json: #"{"backup":{"name":"b2","description":"d"}}"#,
                                             headers: [HTTPField.Name("OpenStack-API-Version")!: "volume 3.9"])
            #expect(renamed.status == 200 && renamed.json?["backup"]?["name"] == "b2")
            #expect(try await api.call(.delete, "\(base)/backups/\(id)", token: demo).status == 202)
            _ = try await Self.waitBackup(api, demo, "\(base)/backups/\(id)", "gone")
            #expect(try await cloud.storage.driver(for: "beta").listBackups().isEmpty)
        }
    }

    @Test func badBackupRequestsGetCindersErrors() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let adminBase = try await VolumeAPITests.volumeBase(api, admin)
            let volumeID = try await Self.volume(api, demo, base)
            for (body, needle) in [(#"{"backup":{"volume_id":"\#(volumeID)","incremental":true}}"#, "incremental"),
                                   (#"{"backup":{"volume_id":"\#(volumeID)","availability_zone":"nowhere"}}"#, "nowhere"),
                                   (#"{"backup":{"volume_id":"\#(volumeID)","snapshot_id":"\#(UUID().uuidString)"}}"#, "snapshots"),
                                   (#"{"backup":{}}"#, "volume_id is required")] {
                let reply = try await api.call(.post, "\(base)/backups", token: demo, json: body, headers: Self.v351)
                #expect(reply.status == 400 && reply.text.contains(needle), "\(body): \(reply.status) \(reply.text)")
            }
            #expect(try await api.call(.post, "\(base)/backups", token: demo, json: #"{"backup":{"volume_id":"\#(UUID().uuidString)"}}"#).status == 404)
            // Before 3.51 the zone is ignored, as Cinder ignores it: the backup stays at the volume's site.
            let plain = try await api.call(.post, "\(base)/backups", token: demo, json: #"{"backup":{"volume_id":"\#(volumeID)","availability_zone":"beta"}}"#)
            let plainID = try #require(plain.json?["backup"]?["id"]?.string)
            #expect(try await Self.waitBackup(api, demo, "\(base)/backups/\(plainID)", "available")?["availability_zone"] == "alpha")
            let restore = try await api.call(.post, "\(base)/backups/\(plainID)/restore", token: demo, json: #"{"restore":{"volume_id":"\#(volumeID)"}}"#)
            #expect(restore.status == 400 && restore.text.contains("new volume"))
            #expect(try await api.call(.post, "\(base)/backups/\(plainID)/action", token: demo, json: #"{"os-reset_status":{"status":"error"}}"#).status == 403)
            #expect(try await api.call(.post, "\(adminBase)/backups/\(plainID)/action", token: admin, json: #"{"os-reset_status":{"status":"error"}}"#).status == 202)
            #expect(try await api.call(.get, "\(base)/backups/\(plainID)", token: demo).json?["backup"]?["status"] == "error")
            let other = try await api.token("other", "otherpw", project: "other")
            let otherBase = try await VolumeAPITests.volumeBase(api, other)
            #expect(try await api.call(.get, "\(otherBase)/backups/\(plainID)", token: other).status == 404)
            // Quotas: backups count, and none is allowed past the limit.
            let project = String(base.split(separator: "/").last!)
            #expect(try await api.call(.put, "\(adminBase)/os-quota-sets/\(project)", token: admin, json: #"{"quota_set":{"backups":1}}"#).status == 200)
            let over = try await api.call(.post, "\(base)/backups", token: demo, json: #"{"backup":{"volume_id":"\#(volumeID)"}}"#)
            #expect(over.status == 413 && over.text.contains("BackupLimitExceeded"), "\(over.text)")
            let limits = try await api.call(.get, "\(base)/limits", token: demo).json?["limits"]?["absolute"]
            #expect(limits?["totalBackupsUsed"] == 1 && limits?["totalBackupGigabytesUsed"] == 1)
        }
    }

    /// A site's volume peers standing for another site's controller: the copy is made by that
    /// site's storage (which this controller is told it cannot reach).
    final class PeerStorage: VolumePeers {
        let driver: any StorageDriver
        let calls = Mutex(0)
        init(driver: any StorageDriver) { self.driver = driver }
        func copy(of volumeID: Volume.ID, from site: Site.ID, to file: URL) async throws -> String {
            calls.withLock { $0 += 1 }
            return try await driver.exportCopy(volumeID, to: file).format
        }
    }

    @Test func theBytesComeFromTheVolumesSiteWhenItsStorageIsNotReachedHere() async throws {
        let alpha = FakeStorageDriver(root: "/fake-storage/alpha"), beta = FakeStorageDriver(root: "/fake-storage/beta")
        let hidden = Mutex<Set<String>>([])
        let storage = SiteStorage { site in
            hidden.withLock { $0.contains(site) } ? nil : (site == "alpha" ? alpha : beta)
        }
        let peers = PeerStorage(driver: alpha)
        let cloud = try await TestCloud.make(storage: storage, volumePeers: peers)
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let volumeID = try await Self.volume(api, demo, base)
            hidden.withLock { $0.insert("alpha") }
            let made = try await api.call(.post, "\(base)/backups", token: demo, json: #"{"backup":{"volume_id":"\#(volumeID)","availability_zone":"beta"}}"#,
                                          headers: Self.v351)
            let id = try #require(made.json?["backup"]?["id"]?.string)
            _ = try await Self.waitBackup(api, demo, "\(base)/backups/\(id)", "available")
            #expect(peers.calls.withLock { $0 } == 1, "the copy was asked of the volume's site")
            #expect(try await beta.listBackups() == [id])
        }
    }

    @Test func peerControllersGetACopyOfAVolumeWithTheClusterSecret() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let volumeID = try await Self.volume(api, demo, base)
            #expect(try await api.call(.get, "/internal/v1/volumes/\(volumeID)/copy").status == 401)
            let reply = try await api.call(.get, "/internal/v1/volumes/\(volumeID)/copy", headers: [HTTPField.Name("X-LUC-Cluster-Secret")!: "secret"])
            #expect(reply.status == 200 && reply.headers[HTTPField.Name("X-LUC-Volume-Format")!] == "raw")
            #expect(reply.text == "fake-volume 1\n", "the fake storage's copy: \(reply.text)")
            #expect(try await api.call(.get, "/internal/v1/volumes/\(UUID().uuidString)/copy",
                                       headers: [HTTPField.Name("X-LUC-Cluster-Secret")!: "secret"]).status == 404)
        }
    }
}

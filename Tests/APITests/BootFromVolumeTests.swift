import CloudModel
import CloudTestSupport
import ControlPlane
import Foundation
import HTTPTypes
import OpenStackHTTP
import StorageDriver
import Testing

/// Volumes from images and servers booted from volumes, through the router over fake storage
/// and the fake driver: Cinder's `imageRef`, Nova's `block_device_mapping_v2` with a root volume
/// made from an image or a snapshot or given, what the views show, and every refusal.
@Suite("Boot from volume")
struct BootFromVolumeTests {
    static let waitVolume = VolumeAPITests.waitVolume

    @Test func aVolumeFromAnImageIsBootableAndCarriesTheImagesMetadata() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let image = try await api.image(demo, name: "guest")
            let made = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1,"imageRef":"\#(image)","name":"root"}}"#)
            #expect(made.status == 202)
            let id = try #require(made.json?["volume"]?["id"]?.string)
            let shown = try await Self.waitVolume(api, demo, "\(base)/volumes/\(id)", "available")
            #expect(shown?["bootable"] == "true")
            let meta = shown?["volume_image_metadata"]
            #expect(meta?["image_id"]?.string == image && meta?["image_name"] == "guest" && meta?["disk_format"] == "raw")
            #expect(meta?["size"] == "4096" && meta?["min_disk"] == "0")
            // A copy keeps the image's metadata, as Cinder's does.
            let copy = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"source_volid":"\#(id)"}}"#)
            let copyID = try #require(copy.json?["volume"]?["id"]?.string)
            let copied = try await Self.waitVolume(api, demo, "\(base)/volumes/\(copyID)", "available")
            #expect(copied?["volume_image_metadata"]?["image_id"]?.string == image && copied?["bootable"] == "true")

            // Refusals: an unknown image, one of another project, too small a size, an image and a snapshot at once.
            let big = try await api.call(.post, "/image/v2/images", token: demo,
                                         json: #"{"name":"big","disk_format":"raw","container_format":"bare","min_disk":2}"#)
            let bigID = try #require(big.json?["id"]?.string)
            #expect(try await api.call(.put, "/image/v2/images/\(bigID)/file", token: demo, bytes: [1, 2, 3]).status == 204)
            let other = try await api.token("other", "otherpw", project: "other")
            let hidden = try await api.image(other, name: "theirs")
            for (body, needle) in [(#"{"volume":{"size":1,"imageRef":"\#(UUID().uuidString)"}}"#, "Invalid image identifier"),
                                   (#"{"volume":{"size":1,"imageRef":"\#(hidden)"}}"#, "Invalid image identifier"),
                                   (#"{"volume":{"size":1,"imageRef":"\#(bigID)"}}"#, "minDisk size 2GB"),
                                   (#"{"volume":{"size":1,"imageRef":"\#(image)","source_volid":"\#(id)"}}"#, "only one of")] {
                let reply = try await api.call(.post, "\(base)/volumes", token: demo, json: body)
                #expect(reply.status == 400 && reply.text.contains(needle), "\(body): \(reply.status) \(reply.text)")
            }
            #expect(try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":2,"imageRef":"\#(bigID)"}}"#).status == 202)
            let listed = try await api.call(.get, "\(base)/volumes/detail", token: demo).json?["volumes"]?.array ?? []
            #expect(listed.count == 3, "refused creates left nothing: \(listed.count)")
        }
    }

    @Test func aServerBootsFromAVolumeMadeFromAnImageAndItGoesWithTheServer() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let image = try await api.image(demo, name: "guest")
            // The openstack CLI's `server create --boot-from-volume 1 --image guest`: no imageRef.
            let reply = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"bfv","flavorRef":"42","min_count":1,"max_count":1,"networks":"none",
                 "block_device_mapping_v2":[{"uuid":"\(image)","boot_index":0,"source_type":"image","destination_type":"volume","volume_size":1,"delete_on_termination":true}]}}
                """, headers: [HTTPField.Name("OpenStack-API-Version")!: "compute 2.79"])
            #expect(reply.status == 202, "\(reply.text)")
            let id = try #require(reply.json?["server"]?["id"]?.string)
            let server = try await api.waitServer(demo, id) { $0?["status"] == "ACTIVE" }
            #expect(server?["image"] == "", "Nova shows no image for a server booted from a volume")
            let attached = server?["os-extended-volumes:volumes_attached"]?.array ?? []
            let volumeID = try #require(attached.first?["id"]?.string)
            #expect(attached.count == 1)
            let volume = try #require(try await api.call(.get, "\(base)/volumes/\(volumeID)", token: demo).json?["volume"])
            #expect(volume["status"] == "in-use" && volume["bootable"] == "true" && volume["size"] == 1)
            #expect(volume["attachments"]?.array?.first?["device"] == "/dev/vda" && volume["attachments"]?.array?.first?["server_id"]?.string == id)
            #expect(volume["volume_image_metadata"]?["image_id"]?.string == image)
            #expect(volume["availability_zone"] == server?["OS-EXT-AZ:availability_zone"])
            let attachments = try await api.call(.get, "/compute/v2.1/servers/\(id)/os-volume_attachments", token: demo)
            #expect(attachments.json?["volumeAttachments"]?.array?.first?["device"] == "/dev/vda")
            // The driver was given the volume as the root disk.
            let console = try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: #"{"os-getConsoleOutput":{}}"#)
            #expect(console.json?["output"]?.string?.contains("[vda] volume \(volumeID)") == true)
            // The root volume stays: detaching it is refused.
            let detach = try await api.call(.delete, "/compute/v2.1/servers/\(id)/os-volume_attachments/\(volumeID)", token: demo)
            #expect(detach.status == 400 && detach.text.contains("root device"))
            #expect(try await api.call(.delete, "\(base)/volumes/\(volumeID)", token: demo).status == 400, "an in-use volume is not deleted")

            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(id)", token: demo).status == 204)
            try await api.waitServer(demo, id) { $0 == nil }
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(volumeID)", "gone")
        }
        let left = try await cloud.storage.driver(for: "alpha").list() + (try await cloud.storage.driver(for: "beta").list())
        #expect(left.isEmpty, "volumes left in the storage: \(left)")
    }

    @Test func aServerBootsFromAGivenVolumeAtItsZoneAndReleasesIt() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let image = try await api.image(demo, name: "guest")
            let made = try await api.call(.post, "\(base)/volumes", token: demo,
                                          json: #"{"volume":{"size":1,"imageRef":"\#(image)","availability_zone":"beta"}}"#)
            let volumeID = try #require(made.json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(volumeID)", "available")
            let mapping = #"[{"uuid":"\#(volumeID)","boot_index":0,"source_type":"volume","destination_type":"volume"}]"#
            // Another zone than the volume's is refused; without a zone the server goes to the volume's.
            let wrongZone = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"x","flavorRef":"42","availability_zone":"alpha","block_device_mapping_v2":\(mapping)}}
                """)
            #expect(wrongZone.status == 400 && wrongZone.text.contains("same availability zone"))
            let reply = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"from-vol","flavorRef":"42","block_device_mapping_v2":\(mapping)}}
                """)
            #expect(reply.status == 202, "\(reply.text)")
            let id = try #require(reply.json?["server"]?["id"]?.string)
            let server = try await api.waitServer(demo, id) { $0?["status"] == "ACTIVE" }
            #expect(server?["OS-EXT-AZ:availability_zone"] == "beta")
            let volume = try await api.call(.get, "\(base)/volumes/\(volumeID)", token: demo).json?["volume"]
            #expect(volume?["status"] == "in-use" && volume?["attachments"]?.array?.first?["server_id"]?.string == id)
            // An in-use volume boots no second server.
            let again = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"twice","flavorRef":"42","block_device_mapping_v2":\(mapping)}}
                """)
            #expect(again.status == 400 && again.text.contains("in-use"), "\(again.text)")
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(id)", token: demo).status == 204)
            try await api.waitServer(demo, id) { $0 == nil }
            let released = try await Self.waitVolume(api, demo, "\(base)/volumes/\(volumeID)", "available")
            #expect(released?["attachments"]?.array?.isEmpty == true, "not deleted on termination: released")
        }
    }

    @Test func aServerBootsFromAVolumeMadeFromASnapshot() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let image = try await api.image(demo, name: "guest")
            let made = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1,"imageRef":"\#(image)"}}"#)
            let volumeID = try #require(made.json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(volumeID)", "available")
            let snap = try await api.call(.post, "\(base)/snapshots", token: demo, json: #"{"snapshot":{"volume_id":"\#(volumeID)"}}"#)
            let snapshotID = try #require(snap.json?["snapshot"]?["id"]?.string)
            let deadline = ContinuousClock.now + .seconds(10)
            while try await api.call(.get, "\(base)/snapshots/\(snapshotID)", token: demo).json?["snapshot"]?["status"] != "available" {
                guard ContinuousClock.now < deadline else { throw TestFailure("snapshot not available") }
                try await Task.sleep(for: .milliseconds(10))
            }
            let reply = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"from-snap","flavorRef":"42","block_device_mapping_v2":[{"uuid":"\(snapshotID)","boot_index":"0","source_type":"snapshot","destination_type":"volume","volume_size":"2","delete_on_termination":"true"}]}}
                """)
            #expect(reply.status == 202, "\(reply.text)")
            let id = try #require(reply.json?["server"]?["id"]?.string)
            let server = try await api.waitServer(demo, id) { $0?["status"] == "ACTIVE" }
            let rootID = try #require(server?["os-extended-volumes:volumes_attached"]?.array?.first?["id"]?.string)
            let root = try await api.call(.get, "\(base)/volumes/\(rootID)", token: demo).json?["volume"]
            #expect(root?["snapshot_id"]?.string == snapshotID && root?["size"] == 2 && root?["status"] == "in-use")
        }
    }

    @Test func dataVolumesAtBootAreMadeOrAttachedAndGoOrStayWithTheServer() async throws {
        let cloud = try await TestCloud.make()
        try await cloud.withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let image = try await api.image(demo, name: "guest")
            let made = try await api.call(.post, "\(base)/volumes", token: demo, json: #"{"volume":{"size":1,"name":"kept","availability_zone":"beta"}}"#)
            let keptID = try #require(made.json?["volume"]?["id"]?.string)
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(keptID)", "available")
            // The image as the root disk, a new blank volume deleted with the server, an existing one kept.
            let reply = try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                {"server":{"name":"data","flavorRef":"42","imageRef":"\(image)","block_device_mapping_v2":[
                  {"uuid":"\(image)","boot_index":0,"source_type":"image","destination_type":"local","delete_on_termination":true},
                  {"source_type":"blank","destination_type":"volume","volume_size":2,"delete_on_termination":true},
                  {"uuid":"\(keptID)","source_type":"volume","destination_type":"volume","boot_index":-1}]}}
                """)
            #expect(reply.status == 202, "\(reply.text)")
            let id = try #require(reply.json?["server"]?["id"]?.string)
            let server = try await api.waitServer(demo, id) { $0?["status"] == "ACTIVE" }
            #expect(server?["OS-EXT-AZ:availability_zone"] == "beta", "the server goes to its volumes' zone")
            #expect(server?["image"]?["id"]?.string == image, "the root disk is the image")
            let attached = try await api.call(.get, "/compute/v2.1/servers/\(id)/os-volume_attachments", token: demo).json?["volumeAttachments"]?.array ?? []
            #expect(attached.map { $0["device"] } == ["/dev/vdc", "/dev/vdd"])
            let blankID = try #require(attached.first?["volumeId"]?.string)
            let blank = try await api.call(.get, "\(base)/volumes/\(blankID)", token: demo).json?["volume"]
            #expect(blank?["status"] == "in-use" && blank?["size"] == 2 && blank?["bootable"] == "false")
            let console = try await api.call(.post, "/compute/v2.1/servers/\(id)/action", token: demo, json: #"{"os-getConsoleOutput":{}}"#)
            let output = console.json?["output"]?.string ?? ""
            #expect(output.contains("disk \(blankID)") && output.contains("disk \(keptID)"), "the driver got both disks at spawn")
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(id)", token: demo).status == 204)
            try await api.waitServer(demo, id) { $0 == nil }
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(blankID)", "gone")
            _ = try await Self.waitVolume(api, demo, "\(base)/volumes/\(keptID)", "available")
        }
    }

    @Test func badMappingsAreRefusedAndAVolumeOverQuotaFailsTheBoot() async throws {
        try await TestCloud.make().withClient { api in
            let demo = try await api.token("demo", "demopw", project: "demo")
            let admin = try await api.token("admin", "adminpw", project: "admin")
            let base = try await VolumeAPITests.volumeBase(api, demo)
            let adminBase = try await VolumeAPITests.volumeBase(api, admin)
            let image = try await api.image(demo, name: "guest")
            func boot(_ mappings: String, imageRef: String = "", extra: String = "") async throws -> APIClient.Reply {
                try await api.call(.post, "/compute/v2.1/servers", token: demo, json: """
                    {"server":{"name":"x","flavorRef":"42","imageRef":"\(imageRef)","block_device_mapping_v2":\(mappings)\(extra)}}
                    """)
            }
            let cases: [(String, String)] = [
                (#"[{"uuid":"\#(image)","boot_index":0,"source_type":"image","destination_type":"volume"}]"#, "non-zero size"),
                (#"[{"boot_index":-1,"source_type":"blank","destination_type":"local","volume_size":1}]"#, "ephemeral and swap"),
                (#"[{"uuid":"\#(image)","boot_index":1,"source_type":"image","destination_type":"volume","volume_size":1}]"#, "is required to boot"),
                (#"[{"boot_index":0,"source_type":"blank","destination_type":"volume","volume_size":1}]"#, "cannot be the boot disk"),
                (#"[{"uuid":"\#(image)","source_type":"image","destination_type":"local"}]"#, "image to local"),
                (#"[{"uuid":"\#(UUID().uuidString)","boot_index":0,"source_type":"image","destination_type":"volume","volume_size":1}]"#, "failed to get image"),
                (#"[{"uuid":"\#(UUID().uuidString)","boot_index":0,"source_type":"volume","destination_type":"volume"}]"#, "failed to get volume"),
                (#"[{"uuid":"\#(image)","boot_index":0,"source_type":"disk","destination_type":"volume"}]"#, "source_type"),
                (#"[{"uuid":"\#(image)","boot_index":0,"source_type":"image","destination_type":"volume","volume_size":0}]"#, "volume_size"),
                (#"[{"uuid":"\#(image)","boot_index":0,"source_type":"image","destination_type":"volume","volume_size":1},{"uuid":"\#(image)","boot_index":0,"source_type":"image","destination_type":"local"}]"#, "Boot sequence"),
                (#"[]"#, "is required to boot"),
            ]
            for (mappings, needle) in cases {
                let reply = try await boot(mappings)
                #expect(reply.status == 400 && reply.text.contains(needle), "\(mappings): \(reply.status) \(reply.text)")
            }
            let legacy = try await boot("[]", imageRef: image, extra: #","block_device_mapping":[{"volume_id":"x","device_name":"vda"}]"#)
            #expect(legacy.status == 400 && legacy.text.contains("legacy"))
            let servers = try await api.call(.get, "/compute/v2.1/servers", token: demo).json?["servers"]?.array ?? []
            #expect(servers.isEmpty, "refused boots left \(servers.count) servers")

            // Over the volume quota, the boot ends in ERROR saying why, and leaves no volume.
            let project = String(base.split(separator: "/").last!)
            #expect(try await api.call(.put, "\(adminBase)/os-quota-sets/\(project)", token: admin, json: #"{"quota_set":{"volumes":0}}"#).status == 200)
            let over = try await boot(#"[{"uuid":"\#(image)","boot_index":0,"source_type":"image","destination_type":"volume","volume_size":1}]"#)
            let id = try #require(over.json?["server"]?["id"]?.string)
            let failed = try await api.waitServer(demo, id) { $0?["status"] == "ERROR" }
            #expect(failed?["fault"]?["message"]?.string?.contains("VolumeLimitExceeded") == true, "\(String(describing: failed?["fault"]))")
            #expect(try await api.call(.get, "\(base)/volumes", token: demo).json?["volumes"]?.array?.isEmpty == true)
            #expect(try await api.call(.delete, "/compute/v2.1/servers/\(id)", token: demo).status == 204)
            try await api.waitServer(demo, id) { $0 == nil }
        }
    }
}

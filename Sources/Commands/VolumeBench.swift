import Foundation
import LUCBase
import NIOHTTP1

/// `luc bench --volumes`: Cinder latencies one call at a time, unloaded, through the API as a
/// client sees them: volume create (1 GiB, empty) until `available`, then attach to a running
/// server until `in-use` and, when the guest reports hot-plug events on its console (LUC's guest
/// under `--driver qemu`), until the guest saw the disk; detach until `available` (and the guest
/// saw it go); delete until gone; and, given an image, volume create from it (1 GiB) until
/// `available`, the first one (which makes the site storage's copy of the image) apart.
/// Prints p50/p90/p99 per step.
struct VolumeBench {
    let api: OpenStackSession
    let samples: Int
    /// A running server to attach to (nil: no attach figures).
    let serverID: String?
    /// Whether the guest prints `luc-guest: disk vdc add/remove` (LUC's guest).
    let guestReports: Bool
    /// An image to make volumes from (nil: no from-image figures).
    var imageID: String? = nil

    /// Polls `read` every 2 ms until it is true (at most `timeout`).
    func until(_ timeout: Duration = .seconds(120), _ read: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await read() { return }
            try await Task.sleep(for: .milliseconds(2))
        }
        throw CommandError("timed out after \(timeout)")
    }

    func status(_ id: String) async throws -> String? {
        let (code, data) = try await api.send(.GET, "block-storage", "/volumes/\(id)", expect: 200...404)
        guard code == 200 else { return nil }
        let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return (body?["volume"] as? [String: Any])?["status"] as? String
    }

    func consoleCount(_ marker: String) async throws -> Int {
        guard let serverID else { return 0 }
        let body = try await api.object(.POST, "compute", "/servers/\(serverID)/action", json: ["os-getConsoleOutput": ["length": 400]])
        return ((body["output"] as? String) ?? "").components(separatedBy: marker).count - 1
    }

    func run() async throws {
        _ = try await api.send(.PUT, "block-storage", "/os-quota-sets/\(api.projectID)", json: ["quota_set": ["volumes": -1, "gigabytes": -1]])
        print("volume bench: \(samples) creates (1 GiB, empty) and deletes\(serverID == nil ? "" : ", \(samples) attaches and detaches"), one at a time")
        let create = LatencyRecorder(), attach = LatencyRecorder(), seen = LatencyRecorder(), detach = LatencyRecorder()
        let released = LatencyRecorder(), delete = LatencyRecorder()
        var ids: [String] = []
        for i in 0..<samples {
            let began = ContinuousClock.now
            let body = try await api.object(.POST, "block-storage", "/volumes", json: ["volume": ["size": 1, "name": "vbench-\(i)"]])
            guard let id = (body["volume"] as? [String: Any])?["id"] as? String else { throw CommandError("volume create answered \(body)") }
            try await until { try await status(id) == "available" }
            create.record(ContinuousClock.now - began)
            ids.append(id)
        }
        if let serverID {
            for id in ids {
                let added = try await consoleCount("luc-guest: disk vdc add"), removed = try await consoleCount("luc-guest: disk vdc remove")
                var began = ContinuousClock.now
                _ = try await api.send(.POST, "compute", "/servers/\(serverID)/os-volume_attachments", json: ["volumeAttachment": ["volumeId": id]])
                try await until { try await status(id) == "in-use" }
                attach.record(ContinuousClock.now - began)
                if guestReports {
                    try await until { try await consoleCount("luc-guest: disk vdc add") > added }
                    seen.record(ContinuousClock.now - began)
                }
                began = ContinuousClock.now
                _ = try await api.send(.DELETE, "compute", "/servers/\(serverID)/os-volume_attachments/\(id)")
                try await until { try await status(id) == "available" }
                detach.record(ContinuousClock.now - began)
                if guestReports {
                    try await until { try await consoleCount("luc-guest: disk vdc remove") > removed }
                    released.record(ContinuousClock.now - began)
                }
            }
        }
        for id in ids {
            let began = ContinuousClock.now
            _ = try await api.send(.DELETE, "block-storage", "/volumes/\(id)")
            try await until { try await status(id) == nil }
            delete.record(ContinuousClock.now - began)
        }
        let fromImage = LatencyRecorder()
        var firstFromImage: Duration?
        if let imageID {
            var made: [String] = []
            for i in 0...samples {
                let began = ContinuousClock.now
                let body = try await api.object(.POST, "block-storage", "/volumes",
                                                json: ["volume": ["size": 1, "name": "vbench-img-\(i)", "imageRef": imageID]])
                guard let id = (body["volume"] as? [String: Any])?["id"] as? String else { throw CommandError("volume create answered \(body)") }
                try await until { try await status(id) == "available" }
                if i == 0 { firstFromImage = ContinuousClock.now - began } else { fromImage.record(ContinuousClock.now - began) }
                made.append(id)
            }
            for id in made {
                _ = try await api.send(.DELETE, "block-storage", "/volumes/\(id)")
                try await until { try await status(id) == nil }
            }
        }
        print("volume create → available      \(create.summary())")
        if let firstFromImage {
            print("from the image, first (copies it to the site's storage): \(String(format: "%.2f", firstFromImage.inSeconds * 1000)) ms")
            print("from the image cached at the site → available  \(fromImage.summary())")
        }
        if serverID != nil {
            print("attach → in-use                \(attach.summary())")
            if guestReports { print("attach → guest sees the disk   \(seen.summary())") }
            print("detach → available             \(detach.summary())")
            if guestReports { print("detach → guest released it     \(released.summary())") }
        }
        print("volume delete → gone           \(delete.summary())")
    }
}

import CloudModel
import Crypto
import Foundation
import LUCBase
import Synchronization

/// The bytes of one image being received: written to a temporary file and hashed as they come.
/// `ImageService.finishUpload` publishes them; `abort` removes everything. Its state is behind a
/// lock and its file writes run on the thread pool, so it may be used from any task.
public final class ImageUpload: Sendable {
    private struct State: @unchecked Sendable {  // FileHandle and the hash states, only touched under the lock
        var handle: FileHandle
        var md5 = Insecure.MD5()
        var sha512 = SHA512()
        var size = 0
        var closed = false
    }

    let imageID: Image.ID
    let temporary: URL
    let destination: URL
    let maxBytes: Int
    private let state: Mutex<State>

    init(imageID: Image.ID, temporary: URL, destination: URL, maxBytes: Int) throws {
        self.imageID = imageID
        self.temporary = temporary
        self.destination = destination
        self.maxBytes = maxBytes
        FileManager.default.createFile(atPath: temporary.path, contents: nil)
        state = Mutex(State(handle: try FileHandle(forWritingTo: temporary)))
    }

    /// How many bytes were received.
    var size: Int { state.withLock { $0.size } }

    /// Appends `chunk`. Throws `overLimit` (413 in Glance) past the size limit.
    public func write(_ chunk: some Collection<UInt8>) async throws {
        let data = Data(chunk), limit = maxBytes
        try await BlockingIO.run {
            try self.state.withLock { state in
                state.size += data.count
                guard state.size <= limit else {
                    throw ControlPlaneError(.overLimit, "Image exceeds the storage quota of \(limit) bytes.")
                }
                state.md5.update(data: data)
                state.sha512.update(data: data)
                try state.handle.write(contentsOf: data)
            }
        }
    }

    /// Makes the bytes durable, moves them to their place, and returns their digests.
    func seal() async throws -> (md5: String, sha512: String) {
        let temporary = temporary, destination = destination
        return try await BlockingIO.run {
            try self.state.withLock { state in
                try state.handle.synchronize()
                try state.handle.close()
                state.closed = true
                try? FileManager.default.removeItem(at: destination)
                try FileManager.default.moveItem(at: temporary, to: destination)
                return (state.md5.finalize().hexString, state.sha512.finalize().hexString)
            }
        }
    }

    public func abort() {
        state.withLock { state in
            if !state.closed { try? state.handle.close() }
            state.closed = true
        }
        try? FileManager.default.removeItem(at: temporary)
    }
}

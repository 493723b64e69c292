import CloudModel
import Crypto
import Foundation
import LUCBase

/// The bytes of one image being received: written to a temporary file and hashed as they come.
/// `ImageService.finishUpload` publishes them; `abort` removes everything.
public final class ImageUpload: @unchecked Sendable {
    let imageID: Image.ID
    let temporary: URL
    let destination: URL
    let maxBytes: Int
    private let handle: FileHandle
    private var md5 = Insecure.MD5()
    private var sha512 = SHA512()
    private(set) var size = 0

    init(imageID: Image.ID, temporary: URL, destination: URL, maxBytes: Int) throws {
        self.imageID = imageID
        self.temporary = temporary
        self.destination = destination
        self.maxBytes = maxBytes
        FileManager.default.createFile(atPath: temporary.path, contents: nil)
        handle = try FileHandle(forWritingTo: temporary)
    }

    /// Appends `chunk`. Throws 413-style `overLimit` past the size limit.
    public func write(_ chunk: some Collection<UInt8>) throws {
        size += chunk.count
        guard size <= maxBytes else {
            throw ControlPlaneError(.overLimit, "Image exceeds the storage quota of \(maxBytes) bytes.")
        }
        let data = Data(chunk)
        md5.update(data: data)
        sha512.update(data: data)
        try handle.write(contentsOf: data)
    }

    func seal() throws -> (md5: String, sha512: String) {
        try handle.synchronize()
        try handle.close()
        try? FileManager.default.removeItem(at: destination)
        try FileManager.default.moveItem(at: temporary, to: destination)
        return (md5.finalize().hexString, sha512.finalize().hexString)
    }

    public func abort() {
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
    }
}

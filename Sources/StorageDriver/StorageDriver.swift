public import Foundation

/// A site's block storage: makes, grows and removes volumes' backing files where every host of
/// the site can open them (a site's Ceph or NFS, or a shared directory). Every driver passes
/// `StorageConformance`. Operations are idempotent per volume ID: creating a volume that exists
/// with the same size reports it, deleting a missing one succeeds.
public protocol StorageDriver: Sendable {
    /// Creates an empty volume of `sizeGB` GiB (reads as zeros).
    /// - Throws: `StorageError.invalid` for a size below 1; `failed` when the storage cannot.
    func create(_ id: String, sizeGB: Int) async throws -> VolumeFile

    /// Creates a volume whose content is a copy of volume `sourceID`, grown to `sizeGB` GiB.
    /// The new volume is independent: writes to either are not seen by the other.
    /// - Throws: `notFound` without the source; `invalid` when `sizeGB` is below the source's size.
    func clone(_ id: String, from sourceID: String, sizeGB: Int) async throws -> VolumeFile

    /// Creates volume `id` holding image `image`, grown to `sizeGB` GiB. The storage keeps its
    /// own copy of the image the first time (volumes made from it later reuse that copy, and it
    /// outlives the image's deletion while volumes need it) and makes the volume copy-on-write
    /// over it where its format allows. Idempotent per volume ID.
    /// - Throws: `notFound` when the image's file is missing; `invalid` when `sizeGB` is below the
    ///   image's virtual size or its format is one the storage cannot read.
    func clone(_ id: String, fromImage image: StorageImage, sizeGB: Int) async throws -> VolumeFile

    /// The IDs of the images the storage keeps copies of, sorted.
    func listImages() async throws -> [String]

    /// Removes the storage's copies of images not in `keeping` that no volume is made over.
    /// Returns the IDs removed.
    func pruneImages(keeping: Set<String>) async throws -> [String]

    /// Grows the volume to `sizeGB` GiB, keeping its content; succeeds when it has that size.
    /// - Throws: `notFound`; `invalid` when `sizeGB` is smaller than its size.
    func extend(_ id: String, sizeGB: Int) async throws -> VolumeFile

    /// Removes the volume and its bytes. Succeeds when there is no such volume.
    func delete(_ id: String) async throws

    /// The volume as a host opens it, to attach it to a machine.
    /// - Throws: `notFound`.
    func export(_ id: String) async throws -> VolumeFile

    /// The IDs of every volume the storage holds, sorted.
    func list() async throws -> [String]

    /// Keeps a point-in-time copy of volume `volumeID` as snapshot `snapshotID` (of an attached
    /// volume: what a crash at that moment would leave). Later writes to the volume do not change
    /// it. Idempotent per snapshot ID.
    /// - Throws: `notFound` without the volume.
    func snapshot(_ snapshotID: String, of volumeID: String) async throws -> VolumeFile

    /// Creates volume `id` with the content of snapshot `snapshotID`, grown to `sizeGB` GiB.
    /// - Throws: `notFound` without the snapshot; `invalid` when `sizeGB` is below its size.
    func clone(_ id: String, fromSnapshot snapshotID: String, sizeGB: Int) async throws -> VolumeFile

    /// Replaces the content of volume `id` with that of its snapshot `snapshotID` (same size),
    /// at once: a crash leaves the old content or the new, never a mix.
    /// - Throws: `notFound` without the volume or the snapshot.
    func revert(_ id: String, toSnapshot snapshotID: String) async throws -> VolumeFile

    /// Removes the snapshot. Succeeds when there is no such snapshot; volumes made from it stay.
    func deleteSnapshot(_ snapshotID: String) async throws

    /// The IDs of every snapshot the storage holds, sorted.
    func listSnapshots() async throws -> [String]

    /// Writes a full, independent copy of volume `volumeID` as it is now (of an attached volume:
    /// what a crash at that moment would leave) to `file`, for a backup's bytes to travel to
    /// another site's storage. Returns the copy (its path is `file`).
    /// - Throws: `notFound` without the volume.
    func exportCopy(_ volumeID: String, to file: URL) async throws -> VolumeFile

    /// Keeps the copy in `file` (made by some site's `exportCopy`, in `format`) as backup
    /// `backupID`; the file is taken (moved or converted). Idempotent per backup ID.
    /// - Throws: `invalid` for a format the storage cannot read; `notFound` without the file.
    func storeBackup(_ backupID: String, from file: URL, format: String) async throws -> VolumeFile

    /// Creates volume `id` with the content of backup `backupID`, grown to `sizeGB` GiB.
    /// - Throws: `notFound` without the backup; `invalid` when `sizeGB` is below its size.
    func clone(_ id: String, fromBackup backupID: String, sizeGB: Int) async throws -> VolumeFile

    /// Removes the backup. Succeeds when there is no such backup.
    func deleteBackup(_ backupID: String) async throws

    /// The IDs of every backup the storage holds, sorted.
    func listBackups() async throws -> [String]
}

public import CloudModel

/// Image metadata in `global`: `images/<id>`. The bytes are on the disks of the sites listed in
/// each image's locations.
public struct ImageRepository: Sendable {
    let table: RecordTable<StoredImage>

    init(engine: any KeyValueEngine) {
        table = RecordTable(engine: engine, keyspace: .global, prefix: "images/")
    }

    public func find(_ id: Image.ID) async throws -> Versioned<Image>? { try await table.find(id) }

    public func all() async throws -> [Versioned<Image>] { try await table.all() }

    public func stagePut(_ image: Image, expecting revision: Int64?, into txn: inout Transaction) {
        table.stagePut(image, id: image.id, expecting: revision, into: &txn)
    }

    public func stageDelete(_ image: Versioned<Image>, into txn: inout Transaction) {
        table.stageDelete(id: image.value.id, expecting: image.revision, into: &txn)
    }
}

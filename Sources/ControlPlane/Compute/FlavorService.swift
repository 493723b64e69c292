public import CloudModel
public import StateStore

/// Flavors: everyone lists them, admins create and delete them.
public struct FlavorService: Sendable {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Flavors ordered by ID as Nova does (numeric IDs numerically), filtered and paginated.
    public func list(minRamMB: Int?, minDiskGB: Int?, isPublic: Bool?, marker: String?, limit: Int?, by principal: Principal)
        async throws -> [Flavor]
    {
        var flavors = try await store.flavors.all().map(\.value).filter { flavor in
            (minRamMB.map { flavor.ramMB >= $0 } ?? true) && (minDiskGB.map { flavor.diskGB >= $0 } ?? true)
                && (isPublic.map { flavor.isPublic == $0 } ?? (flavor.isPublic || principal.isAdmin))
        }
        flavors.sort(by: Self.order)
        if let marker {
            guard let index = flavors.firstIndex(where: { $0.id == marker }) else {
                throw ControlPlaneError.badRequest("marker [\(marker)] not found")
            }
            flavors.removeFirst(index + 1)
        }
        if let limit { flavors = Array(flavors.prefix(limit)) }
        return flavors
    }

    static func order(_ a: Flavor, _ b: Flavor) -> Bool {
        switch (Int(a.id), Int(b.id)) {
        case let (x?, y?): x < y
        case (_?, nil): true
        case (nil, _?): false
        default: a.id < b.id
        }
    }

    public func get(_ id: String) async throws -> Flavor {
        guard let flavor = try await store.flavors.find(id)?.value else {
            throw ControlPlaneError.notFound("Flavor \(id) could not be found.")
        }
        return flavor
    }

    public func create(_ flavor: Flavor, by principal: Principal) async throws -> Flavor {
        guard principal.isAdmin else { throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed.") }
        guard !flavor.name.isEmpty, flavor.name.count <= 255, flavor.vcpus > 0, flavor.ramMB > 0, flavor.diskGB >= 0,
              flavor.ephemeralGB >= 0, flavor.swapMB >= 0, flavor.rxtxFactor > 0
        else { throw ControlPlaneError.badRequest("Invalid flavor: name 1-255 characters, positive vcpus and ram, non-negative disk.") }
        if try await store.flavors.all().contains(where: { $0.value.name == flavor.name }) {
            throw ControlPlaneError.conflict("Flavor with name \(flavor.name) already exists.")
        }
        var txn = Transaction()
        store.flavors.stagePut(flavor, expecting: nil, into: &txn)
        do { try await store.commit(txn, in: .global) } catch let error as StoreError where error.code == .conflict {
            throw ControlPlaneError.conflict("Flavor with ID \(flavor.id) already exists.")
        }
        return flavor
    }

    /// Sets or clears a flavor's description (2.55), the one thing Nova lets change in a flavor.
    public func update(_ id: String, description: String?, by principal: Principal) async throws -> Flavor {
        guard principal.isAdmin else { throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-flavor-manage:update to be performed.") }
        if let description, description.count > 65535 {
            throw ControlPlaneError.badRequest("Invalid input for field/attribute description: at most 65535 characters.")
        }
        return try await retryOnConflict {
            guard let current = try await store.flavors.find(id) else {
                throw ControlPlaneError.notFound("Flavor \(id) could not be found.")
            }
            var flavor = current.value
            flavor.description = description
            var txn = Transaction()
            store.flavors.stagePut(flavor, expecting: current.revision, into: &txn)
            try await store.commit(txn, in: .global)
            return flavor
        }
    }

    public func delete(_ id: String, by principal: Principal) async throws {
        guard principal.isAdmin else { throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:os-flavor-manage:delete to be performed.") }
        guard let flavor = try await store.flavors.find(id) else {
            throw ControlPlaneError.notFound("Flavor \(id) could not be found.")
        }
        var txn = Transaction()
        store.flavors.stageDelete(flavor, into: &txn)
        try await store.commit(txn, in: .global)
    }
}

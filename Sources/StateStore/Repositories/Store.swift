public import CloudModel

/// The typed entry point to the cloud's state: one repository per entity, over any engine.
public struct Store: Sendable {
    public let engine: any KeyValueEngine
    /// Decoded servers and ports of every site, and networks, subnets, security groups and network
    /// quotas, reused while their revision is unchanged.
    let serverCache = DecodedRecordCache<Server>()
    let portCache = DecodedRecordCache<NetworkPort>()
    let networkCaches = NetworkRepository.Caches()

    public init(engine: any KeyValueEngine) {
        self.engine = engine
    }

    // global
    public var sites: SiteRepository { SiteRepository(engine: engine) }
    public var capacities: SiteCapacityRepository { SiteCapacityRepository(engine: engine) }
    public var flavors: FlavorRepository { FlavorRepository(engine: engine) }
    public var images: ImageRepository { ImageRepository(engine: engine) }
    public var keypairs: KeypairRepository { KeypairRepository(engine: engine) }
    public var serverGroups: ServerGroupRepository { ServerGroupRepository(engine: engine) }
    public var networks: NetworkRepository { NetworkRepository(engine: engine, caches: networkCaches) }
    public var identity: IdentityRepository { IdentityRepository(engine: engine) }
    public var quotas: QuotaRepository { QuotaRepository(engine: engine) }
    public var secrets: SecretRepository { SecretRepository(engine: engine) }
    public var volumeQuotas: VolumeQuotaRepository { VolumeQuotaRepository(engine: engine) }
    public var globalCounters: CounterRepository { CounterRepository(engine: engine, keyspace: .global) }

    // per site
    public func servers(_ site: Site.ID) -> ServerRepository {
        ServerRepository(engine: engine, keyspace: .site(site), cache: serverCache)
    }
    public func ports(_ site: Site.ID) -> PortRepository { PortRepository(engine: engine, site: site, cache: portCache) }
    public func floatingIPs(_ site: Site.ID) -> FloatingIPRepository { FloatingIPRepository(engine: engine, site: site) }
    public func volumes(_ site: Site.ID) -> VolumeRepository { VolumeRepository(engine: engine, site: site) }
    public func snapshots(_ site: Site.ID) -> SnapshotRepository { SnapshotRepository(engine: engine, site: site) }
    public func backups(_ site: Site.ID) -> BackupRepository { BackupRepository(engine: engine, site: site) }
    public func hosts(_ site: Site.ID) -> HostRepository { HostRepository(engine: engine, keyspace: .site(site)) }
    public func usage(_ site: Site.ID) -> UsageRepository { UsageRepository(engine: engine, keyspace: .site(site)) }
    public func leases(_ site: Site.ID) -> LeaseRepository { LeaseRepository(engine: engine, keyspace: .site(site)) }
    public func actions(_ site: Site.ID) -> InstanceActionRepository {
        InstanceActionRepository(engine: engine, keyspace: .site(site))
    }
    public func counters(_ site: Site.ID) -> CounterRepository { CounterRepository(engine: engine, keyspace: .site(site)) }
    /// The servers of other sites that `site` has seen (kept in `site`'s keyspace).
    public func sightings(by site: Site.ID) -> SightingRepository { SightingRepository(engine: engine, keyspace: .site(site)) }

    /// Commits `txn` to `keyspace`.
    @discardableResult
    public func commit(_ txn: Transaction, in keyspace: Keyspace) async throws -> Int64 {
        let revision = try await engine.commit(txn, in: keyspace)
        for action in txn.onCommit { action(revision) }
        return revision
    }
}

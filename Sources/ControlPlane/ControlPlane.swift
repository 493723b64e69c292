import LUCBase
public import AgentProtocol
import CloudModel
import Foundation
public import Logging
import Scheduling
public import StateStore

/// Everything one controller runs, assembled over a store and an agent client. The APIs call
/// its services; `run()` keeps its background work going (leases, recovery, caches).
public struct ControlPlane: Sendable {
    public let configuration: ControllerConfiguration
    public let store: Store
    public let sites: SiteDirectory
    public let identity: IdentityService
    public let servers: ServerService
    public let flavors: FlavorService
    public let keypairs: KeypairService
    public let serverGroups: ServerGroupService
    public let quotas: QuotaService
    public let usage: UsageService
    public let hypervisors: HypervisorService
    public let images: ImageService
    public let hostRegistry: HostRegistry
    public let networks: NetworkService
    public let ports: PortService
    public let securityGroups: SecurityGroupService
    public let routers: RouterService
    public let floatingIPs: FloatingIPService
    public let networkQuotas: NetworkQuotaService
    /// Cinder's volumes and Nova's volume attachments; their tasks' runner.
    public let volumes: VolumeService
    public let serverVolumes: ServerVolumeService
    public let volumeQuotas: VolumeQuotaService
    public let snapshots: SnapshotService
    public let backups: BackupService
    /// Drives servers' tasks; recovers those of dead controllers of this site.
    public let tasks: TaskRunner<ServerWork>
    public let placement: SitePlacement
    public let clock: any WallClock
    let maintenance: ControllerMaintenance
    /// The data plane as the store says it should be (hosts' networks, routers).
    public var wiring: DataPlaneWiring { ports.wiring }
    let revocations: RevocationCache
    let logger: Logger

    /// Builds a controller. The token key is read from the store (created at bootstrap).
    public static func start(configuration: ControllerConfiguration, store: Store, agents: any AgentClient,
                             storage: SiteStorage, imagePeers: (any ImagePeers)? = nil, volumePeers: (any VolumePeers)? = nil, clock: any WallClock = SystemClock(),
                             logger: Logger)
        async throws -> ControlPlane {
        let tokenKey = try await store.secrets.createSecret("token-key", value: TokenCodec.newKey())
        let sites = SiteDirectory(store: store, latencyMS: configuration.latencyMS)
        try await sites.refresh()
        let revocations = RevocationCache(store: store)
        try await revocations.refresh()
        return ControlPlane(configuration: configuration, store: store, sites: sites, tokenKey: tokenKey,
                            revocations: revocations, agents: agents, storage: storage, imagePeers: imagePeers, volumePeers: volumePeers, clock: clock,
                            logger: logger)
    }

    init(configuration: ControllerConfiguration, store: Store, sites: SiteDirectory, tokenKey: Data,
         revocations: RevocationCache, agents: any AgentClient, storage: SiteStorage, imagePeers: (any ImagePeers)?, volumePeers: (any VolumePeers)?, clock: any WallClock,
         logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.sites = sites
        self.revocations = revocations
        self.clock = clock
        self.logger = logger
        identity = IdentityService(store: store, codec: TokenCodec(keyData: tokenKey), revocations: revocations,
                                   tokenLifetime: configuration.tokenLifetime, clock: clock)
        let schedulers = SchedulerPool(store: store, clock: clock)
        let networkQuotas = NetworkQuotaService(store: store, sites: sites, configuration: configuration)
        let networks = NetworkService(store: store, sites: sites, configuration: configuration, quotas: networkQuotas, clock: clock)
        let wiring = DataPlaneWiring(store: store, agents: agents, site: configuration.site, logger: logger)
        let securityGroups = SecurityGroupService(store: store, quotas: networkQuotas, wiring: wiring, clock: clock)
        let ports = PortService(store: store, sites: sites, configuration: configuration, networks: networks, groups: securityGroups,
                                wiring: wiring, clock: clock)
        let networking = ServerNetworking(store: store, networks: networks, ports: ports, groups: securityGroups)
        self.networkQuotas = networkQuotas
        self.networks = networks
        self.securityGroups = securityGroups
        self.ports = ports
        routers = RouterService(store: store, sites: sites, configuration: configuration, networks: networks, ports: ports, clock: clock)
        floatingIPs = FloatingIPService(store: store, sites: sites, configuration: configuration, networks: networks, ports: ports, clock: clock)
        let volumeQuotas = VolumeQuotaService(store: store, sites: sites, configuration: configuration)
        self.volumeQuotas = volumeQuotas
        let images = ImageService(store: store, configuration: configuration, replicator: ImageReplicator(
            store: store, site: configuration.site, sites: sites,
            directory: configuration.dataDirectory.appendingPathComponent("images"), peers: imagePeers, logger: logger),
            clock: clock)
        self.images = images
        let volumeTasks = TaskRunner(work: VolumeWork(store: store, storage: storage, images: images, agents: agents,
                                                      configuration: configuration, clock: clock, logger: logger),
                                     store: store, owner: configuration.controllerID, clock: clock, logger: logger)
        tasks = TaskRunner(work: ServerWork(store: store, configuration: configuration, agents: agents, schedulers: schedulers,
                                            clock: clock, logger: logger, locks: KeyedLock(), networking: networking,
                                            wiring: wiring, volumeRelease: ServerVolumeRelease(store: store, configuration: configuration),
                                            volumeTasks: volumeTasks,
                                            bootVolumes: BootVolumeMaker(store: store, storage: storage, images: images,
                                                                         quotas: volumeQuotas, clock: clock)),
                           store: store, owner: configuration.controllerID, clock: clock, logger: logger)
        let snapshotTasks = TaskRunner(work: SnapshotWork(store: store, storage: storage, configuration: configuration, clock: clock,
                                                          logger: logger),
                                       store: store, owner: configuration.controllerID, clock: clock, logger: logger)
        let backupTasks = TaskRunner(work: BackupWork(store: store, storage: storage, peers: volumePeers, configuration: configuration,
                                                      clock: clock, logger: logger),
                                     store: store, owner: configuration.controllerID, clock: clock, logger: logger)
        maintenance = ControllerMaintenance(store: store, configuration: configuration,
                                            runners: [tasks, volumeTasks, snapshotTasks, backupTasks],
                                            wiring: wiring, logger: logger)
        placement = SitePlacement(store: store, sites: sites, schedulers: schedulers, site: configuration.site, clock: clock)
        quotas = QuotaService(store: store, sites: sites, remoteSites: RemoteSiteCache())
        serverGroups = ServerGroupService(store: store, sites: sites, configuration: configuration, clock: clock)
        servers = ServerService(store: store, sites: sites, configuration: configuration, tasks: tasks, agents: agents,
                                placement: placement, quotas: quotas, locks: KeyedLock(), groups: serverGroups, networking: networking,
                                clock: clock)
        volumes = VolumeService(store: store, sites: sites, configuration: configuration, quotas: volumeQuotas, storage: storage,
                                images: images, tasks: volumeTasks, snapshotTasks: snapshotTasks, clock: clock)
        serverVolumes = ServerVolumeService(store: store, servers: servers, volumes: volumes, clock: clock)
        snapshots = SnapshotService(store: store, sites: sites, configuration: configuration, volumes: volumes, tasks: snapshotTasks,
                                    clock: clock)
        backups = BackupService(store: store, sites: sites, configuration: configuration, volumes: volumes, tasks: backupTasks,
                                clock: clock)
        flavors = FlavorService(store: store)
        keypairs = KeypairService(store: store, quotas: quotas, clock: clock)
        usage = UsageService(store: store, sites: sites)
        hypervisors = HypervisorService(store: store, sites: sites, schedulers: schedulers)
        hostRegistry = HostRegistry(store: store, sites: sites, configuration: configuration, clock: clock, logger: logger)
    }

    /// Runs the controller's background work until cancelled: its liveness lease, recovery of
    /// orphaned tasks, the refresh of the site and revocation caches, the site's capacity summary
    /// in `global` (every 5 s), and the sweep of image bytes whose image was deleted (also the
    /// site storage's copies no volume is made over).
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await maintenance.run() }
            group.addTask { await revocations.run(every: .seconds(1), logger: logger) }
            group.addTask {
                while !Task.isCancelled {
                    do { try await placement.publishCapacity() } catch { logger.info("capacity summary not published: \(error)") }
                    try? await Task.sleep(for: .seconds(5))
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(60))
                    do { try await images.replicator.sweep() } catch { logger.warning("image sweep failed: \(error)") }
                    do { try await volumes.pruneImageCopies() } catch { logger.info("storage image copies not pruned: \(error)") }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(5))
                    do { try await sites.refresh() } catch { logger.warning("site refresh failed: \(error)") }
                }
            }
            await group.waitForAll()
        }
    }
}

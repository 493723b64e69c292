public import AgentProtocol
public import CloudModel
import Foundation
public import LUCBase
public import StateStore

/// Nova's server use cases: boot, list, show, update, delete, actions, metadata, console.
///
/// Every write is one compare-and-set transaction in the server's home-site keyspace; the
/// long-running part of each operation is handed to the servers' `TaskRunner`.
public struct ServerService: Sendable {
    let store: Store
    let sites: SiteDirectory
    let configuration: ControllerConfiguration
    let tasks: TaskRunner<ServerWork>
    let agents: any AgentClient
    let placement: SitePlacement
    let quotas: QuotaService
    let locks: KeyedLock
    let groups: ServerGroupService
    let networking: ServerNetworking
    let clock: any WallClock
    /// The servers of other sites this site has seen (named while their site is cut off).
    public let sightings: ServerSightings

    public init(store: Store, sites: SiteDirectory, configuration: ControllerConfiguration, tasks: TaskRunner<ServerWork>,
                agents: any AgentClient, placement: SitePlacement, quotas: QuotaService, locks: KeyedLock,
                groups: ServerGroupService, networking: ServerNetworking, clock: any WallClock) {
        self.groups = groups
        self.networking = networking
        self.sightings = ServerSightings(store: store, site: configuration.site)
        self.store = store
        self.sites = sites
        self.configuration = configuration
        self.tasks = tasks
        self.agents = agents
        self.placement = placement
        self.quotas = quotas
        self.locks = locks
        self.clock = clock
    }

    // MARK: create

    /// Validates, checks quota, writes the servers in `BUILD` and starts their boot; returns at once.
    /// - Parameter origin: the site that received the request from the client, when it was
    ///   forwarded here: the servers are recorded there (`ServerSightings`) so that it can still
    ///   name them if this site is cut off.
    public func create(_ command: CreateServerCommand, by principal: Principal, requestID: String, origin: Site.ID? = nil)
        async throws -> [Server]
    {
        let projectID = try requireProject(principal)
        try requireWrite(principal)
        try validateName(command.name)
        try validateDescription(command.description)
        guard command.minCount >= 1, command.maxCount >= command.minCount, command.maxCount <= 1000 else {
            throw ControlPlaneError.badRequest("min_count must be >= 1 and <= max_count (at most 1000).")
        }
        guard let flavor = try await store.flavors.find(command.flavorRef)?.value, !flavor.disabled else {
            throw ControlPlaneError.badRequest("Flavor \(command.flavorRef) could not be found.")
        }
        var bootPlan: BootVolumePlan?
        if let request = command.bootVolume {
            bootPlan = try await planBootVolume(request, flavor: flavor, count: command.maxCount, project: projectID, by: principal)
        }
        var dataPlans: [BootVolumePlan] = []
        for request in command.dataVolumes {
            dataPlans.append(try await planBootVolume(request, flavor: flavor, count: command.maxCount, project: projectID, by: principal))
        }
        let given = ([bootPlan] + dataPlans.map { $0 }).compactMap { plan -> String? in
            if case let .volume(id)? = plan?.request.source { return id } else { return nil }
        }
        if Set(given).count < given.count {
            throw ControlPlaneError.badRequest("Block Device Mapping is Invalid: a volume is named twice.")
        }
        var image: Image?
        if bootPlan == nil {
            guard let imageID = ResourceID.normalized(command.imageRef),
                  let found = try await store.images.find(imageID)?.value,
                  found.isVisible(to: projectID, isAdmin: principal.isAdmin)
            else { throw ControlPlaneError.badRequest("Image \(command.imageRef) could not be found.") }
            guard found.status == .active else {
                throw ControlPlaneError.badRequest("Image \(found.id) is not active.")
            }
            guard flavor.ramMB >= found.minRamMB else {
                throw ControlPlaneError.badRequest("Flavor's memory is too small for requested image.")
            }
            guard found.minDiskGB == 0 || flavor.diskGB >= found.minDiskGB else {
                throw ControlPlaneError.badRequest("Flavor's disk is too small for requested image.")
            }
            image = found
        }
        if let key = command.keyName, try await store.keypairs.find(user: principal.userID, name: key) == nil {
            throw ControlPlaneError.badRequest("Invalid key_name provided.")
        }
        try ServerTags.validate(command.tags)
        if let hostname = command.hostname { try ServerTags.validateHostname(hostname) }
        if command.host != nil && !principal.isAdmin {
            throw ControlPlaneError.forbidden("Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.")
        }
        let quota = try await quotas.quota(for: projectID)
        try validateMetadata(command.metadata, limit: quota.metadataItems)
        if let data = command.userData {
            guard data.count <= 65535, Data(base64Encoded: data) != nil else {
                throw ControlPlaneError.badRequest("User data needs to be valid base 64 of at most 65535 bytes.")
            }
        }
        var zone = command.availabilityZone
        if let groupID = command.groupID {
            let group = try await groups.get(groupID, by: principal).value
            // Hard affinity puts every member on one host, hence in one site: the members' site.
            if group.policy == .affinity, let membersSite = await groups.members(of: group.id).keys.sorted().first {
                if let zone, zone != membersSite {
                    throw ControlPlaneError.badRequest("The members of affinity group \(group.id) are in availability zone \(membersSite), not \(zone).")
                }
                zone = membersSite
            }
        }
        let nicPlan = try await networking.plan(command.networks, securityGroups: command.securityGroups, count: command.maxCount, by: principal)
        if let portSite = nicPlan.portSite {
            if let zone, zone != portSite {
                throw ControlPlaneError.badRequest("The ports asked for are in availability zone \(portSite), not \(zone).")
            }
            zone = portSite
        }
        try await networking.checkPortQuota(nicPlan, servers: command.minCount, project: projectID)
        // Volumes attach only at their own site: the server goes where its volumes are.
        for volumeSite in ([bootPlan] + dataPlans.map { $0 }).compactMap({ $0?.site }) {
            if let zone, zone != volumeSite {
                throw ControlPlaneError.badRequest("Server and volumes are not in the same availability zone. Server is in: \(zone). Volumes are in: \(volumeSite).")
            }
            zone = volumeSite
        }
        let site = try await placement.chooseSite(zone: zone, flavor: flavor)
        let bootImage = image, plan = bootPlan, dataPlansAtBoot = dataPlans
        let lockKey = "usage/\(site.id)/\(projectID)"
        let servers: [Server] = try await locks.withLock(lockKey) {
            try await retryOnConflict {
                let count = try await quotas.fit(command.maxCount, min: command.minCount, of: flavor, project: projectID, quota: quota,
                                                 home: site.id)
                let now = clock.now()
                let deadline = now.addingTimeInterval(configuration.bootDeadline.inSeconds)
                let reservation = "r-" + String((0..<8).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
                var txn = Transaction()
                var created: [Server] = []
                var taken: Set<IPv4Address> = []
                for i in 0..<count {
                    let name = count > 1 ? "\(command.name)-\(i + 1)" : command.name
                    var server = Server(id: ResourceID.make(siteIndex: site.index), name: name, projectID: projectID,
                                        userID: principal.userID, site: site.id, flavor: flavor, imageID: bootImage?.id ?? "",
                                        keyName: command.keyName, metadata: command.metadata, userData: command.userData,
                                        accessIPv4: command.accessIPv4, accessIPv6: command.accessIPv6,
                                        createdAt: now, requestID: requestID)
                    server.requestedHost = command.host
                    server.groupID = command.groupID
                    server.description = command.description
                    server.tags = command.tags
                    server.pinnedZone = command.availabilityZone
                    server.schedulerHints = command.schedulerHints
                    server.imageProperties = (bootImage ?? plan?.image)?.standardProperties ?? [:]
                    if let plan {
                        try await stageBootVolume(plan, root: true, for: &server, site: site, into: &txn, by: principal, now: now)
                    }
                    for data in dataPlansAtBoot {
                        try await stageBootVolume(data, root: false, for: &server, site: site, into: &txn, by: principal, now: now)
                    }
                    server.requestedHostname = count > 1 ? command.hostname.map { "\($0)-\(i + 1)" } : command.hostname
                    server.reservationID = reservation
                    server.launchIndex = i
                    server.nics = try await networking.stage(nicPlan, for: server, site: site, taken: &taken, into: &txn, now: now)
                    server.securityGroupNames = nicPlan.groupNames
                    server = ServerLifecycle.boot(server, owner: configuration.controllerID, deadline: deadline)
                    store.servers(site.id).stageCreate(server, into: &txn)
                    store.actions(site.id).stageRecord(
                        InstanceAction(serverID: server.id, action: "create", requestID: requestID,
                                       userID: principal.userID, projectID: projectID, startTime: now), into: &txn)
                    created.append(server)
                }
                let usage = try await store.usage(site.id).find(project: projectID)
                let delta = Usage(instances: count, cores: count * flavor.vcpus, ramMB: count * flavor.ramMB)
                store.usage(site.id).stageAdd(delta, project: projectID, current: usage, into: &txn)
                try await store.commit(txn, in: .site(site.id))
                // Later quota checks made here, for boots in other sites, see this at once.
                await quotas.remoteSites.remember((usage?.value ?? Usage()) + delta, site: site.id, project: projectID)
                return created
            }
        }
        for server in servers { tasks.drive(server.id, site: site.id) }
        if configuration.keepsSightings, let origin, origin != site.id, await sites.site(origin) != nil {
            let sightings = self.sightings
            _ = await withDeadline(configuration.siteTimeout) { await sightings.recordBoot(servers, seenBy: origin) }
        }
        return servers
    }

    func validateName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 255,
              name.trimmingCharacters(in: .whitespacesAndNewlines) == name,
              !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
        else { throw ControlPlaneError.badRequest("Invalid input for field/attribute name: must be 1 to 255 printable characters without leading or trailing whitespace.") }
    }

    func validateDescription(_ text: String?) throws {
        guard let text else { return }
        guard text.count <= 255, !text.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) && $0 != "\n" })
        else { throw ControlPlaneError.badRequest("Invalid input for field/attribute description: at most 255 printable characters.") }
    }

    func validateMetadata(_ metadata: [String: String], limit: Int) throws {
        if limit >= 0, metadata.count > limit {
            throw ControlPlaneError(.overLimit, "Quota exceeded for metadata_items: at most \(limit) items.")
        }
        for (key, value) in metadata {
            guard !key.isEmpty, key.count <= 255, value.count <= 255 else {
                throw ControlPlaneError.badRequest("Metadata keys must be 1 to 255 characters and values at most 255.")
            }
        }
    }

    func requireProject(_ principal: Principal) throws -> String {
        guard let project = principal.projectID else {
            throw ControlPlaneError.unauthorized("A project-scoped token is required.")
        }
        return project
    }

    func requireWrite(_ principal: Principal) throws {
        guard principal.canWrite else { throw ControlPlaneError.forbidden("Policy doesn't allow this operation: the reader role cannot change resources.") }
    }

    // MARK: read

    /// The server with `id` if the caller may see it; 404 otherwise (also for non-UUIDs).
    public func get(_ id: String, by principal: Principal) async throws -> Versioned<Server> {
        let notFound = ControlPlaneError.notFound("Instance \(id) could not be found.")
        guard let normalized = ResourceID.normalized(id), let site = await sites.home(of: normalized),
              let server = try await store.servers(site.id).find(normalized),
              principal.isAdmin || server.value.projectID == principal.projectID
        else { throw notFound }
        return server
    }

    /// Servers matching `query`, newest first, paginated by `marker`/`limit`. The sites are read
    /// in parallel; a site that does not answer in time is left out, or (`includeUnreachable`)
    /// shows the servers this site has seen there as UNKNOWN (`ServerSightings`), instead of
    /// failing or hanging the request.
    public func list(_ query: ServerQuery, by principal: Principal) async throws -> [Server] {
        let ownProject = try requireProject(principal)
        let everyProject = principal.isAdmin && query.allTenants
        let project = principal.isAdmin ? (query.projectID ?? (everyProject ? nil : ownProject)) : ownProject
        if query.host != nil && !principal.isAdmin { return [] }
        var zones = await sites.all()
        if let zone = query.availabilityZone { zones = zones.filter { $0.id == zone } }
        let exactName = query.name?.exactName
        let gathered = await scatter(zones, deadline: configuration.siteTimeout) { site in
            let repo = store.servers(site.id)
            let rows: [Versioned<Server>]
            if let host = query.host {
                rows = try await repo.list(host: host)
            } else if let project, let exactName {
                rows = try await repo.list(project: project, named: exactName)
            } else if let project {
                rows = try await repo.list(project: project, after: nil, limit: Int.max)
            } else {
                rows = try await repo.listAll(after: nil, limit: Int.max)
            }
            return rows.map(\.value)
        }
        var found: [Server] = []
        for (site, servers) in gathered.parts {
            if configuration.keepsSightings && exactName == nil && query.host == nil {
                await sightings.refresh(servers, of: site, project: project)
            }
            found += servers.filter { query.matches($0) && (project == nil || $0.projectID == project) }
        }
        if query.includeUnreachable && !query.filtersAttributes {
            for site in gathered.unreachable {
                found += await sightings.sightings(of: site, project: project).map(Server.unreachable)
            }
        }
        if query.sort.isEmpty {
            found.sort { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        } else {
            found.sort { query.orders($0, before: $1) }
        }
        if let marker = query.marker {
            guard let index = found.firstIndex(where: { $0.id == marker }) else {
                throw ControlPlaneError.badRequest("marker [\(marker)] not found")
            }
            found.removeFirst(index + 1)
        }
        if let limit = query.limit { found = Array(found.prefix(limit)) }
        return found
    }

    // MARK: update

    /// Renames a server, changes its access addresses or guest hostname (2.90), or sets
    /// (`.some(text)`) or clears (`.some(nil)`) its description.
    public func update(_ id: String, name: String?, accessIPv4: String?, accessIPv6: String?, description: String?? = nil,
                       hostname: String? = nil, by principal: Principal) async throws -> Server
    {
        try requireWrite(principal)
        if let name { try validateName(name) }
        if let description { try validateDescription(description) }
        if let hostname { try ServerTags.validateHostname(hostname) }
        return try await mutate(id, by: principal) { server in
            if let name { server.name = name }
            if let hostname { server.requestedHostname = hostname }
            if let description { server.description = description }
            if let accessIPv4 { server.accessIPv4 = accessIPv4 }
            if let accessIPv6 { server.accessIPv6 = accessIPv6 }
            server.updatedAt = clock.now()
        }
    }

    /// Reads, changes and writes back a server with compare-and-set, retrying lost races.
    func mutate(_ id: String, by principal: Principal, _ change: @Sendable (inout Server) throws -> Void) async throws
        -> Server
    {
        try await retryOnConflict {
            let current = try await get(id, by: principal)
            var server = current.value
            try change(&server)
            var txn = Transaction()
            store.servers(server.site).stageUpdate(server, from: current, into: &txn)
            try await store.commit(txn, in: .site(server.site))
            return server
        }
    }
}

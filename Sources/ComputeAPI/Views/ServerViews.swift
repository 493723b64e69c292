import CloudModel
import ControlPlane
import Crypto
import Foundation
import LUCBase
import OpenStackHTTP
import Synchronization

/// Nova's server views at the request's microversion (tempest's schema of each version is the
/// exact allowed set); what a version adds is asked of `ComputeFeature`, never compared here.
struct ServerViews {
    let links: Links

    /// Nova's `addresses`: for each network (by name) its addresses with version, type and MAC.
    static func addresses(_ s: Server) -> JSON {
        var byNetwork: [(String, [JSON])] = []
        for nic in s.nics {
            let typed = nic.addresses.map { ($0, "fixed") } + nic.floatingAddresses.map { ($0, "floating") }
            let items: [JSON] = typed.map { address, type in
                .object([("version", 4), ("addr", .string(address.description)), ("OS-EXT-IPS:type", .string(type)),
                         ("OS-EXT-IPS-MAC:mac_addr", .string(nic.macAddress))])
            }
            if let index = byNetwork.firstIndex(where: { $0.0 == nic.networkName }) { byNetwork[index].1 += items } else {
                byNetwork.append((nic.networkName, items))
            }
        }
        return .object(byNetwork.map { ($0.0, .array($0.1)) })
    }

    static func securityGroups(_ s: Server) -> JSON {
        .array((s.securityGroupNames.isEmpty && s.nics.isEmpty ? ["default"] : s.securityGroupNames).map { .object([("name", .string($0))]) })
    }

    /// `{id, name, links}` of `GET /servers`; `{id, status, links}` for a server of a cut-off site (2.69).
    func brief(_ s: Server) -> JSON {
        if s.unreachable {
            return .object([("id", .string(s.id)), ("status", "UNKNOWN"), ("links", links.links("servers", s.id))])
        }
        return .object([("id", .string(s.id)), ("name", .string(s.name)), ("links", links.links("servers", s.id))])
    }

    /// Nova's minimal view of a server of a down cell (2.69): the list detail has id, status,
    /// tenant_id, created and links; the show adds what the boot request said.
    func unreachable(_ s: Server, show: Bool, version: APIVersion) -> JSON {
        var m: [(String, JSON)] = [
            ("id", .string(s.id)), ("status", "UNKNOWN"), ("tenant_id", .string(s.projectID)),
            ("created", .string(Timestamps.seconds(s.createdAt))), ("links", links.links("servers", s.id)),
        ]
        if show {
            m += [("image", image(s, version: version)), ("flavor", flavor(s, version: version)),
                  ("OS-EXT-AZ:availability_zone", .string(s.site)), ("OS-EXT-STS:power_state", 0), ("user_id", .string(s.userID))]
            if ComputeFeature.serverGroupsInShow.served(at: version) { m.append(("server_groups", .array(s.groupID.map { [.string($0)] } ?? []))) }
        }
        return .object(m)
    }

    /// The image's link; the empty string for a server booted from a volume, as Nova shows it.
    func image(_ s: Server, version: APIVersion) -> JSON {
        if s.imageID.isEmpty { return "" }
        var m: [(String, JSON)] = [("id", .string(s.imageID)), ("links", links.bookmark("images", s.imageID))]
        if ComputeFeature.imageProperties.served(at: version) {
            m.append(("properties", .object(s.imageProperties.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        return .object(m)
    }

    /// The flavor's link, or from 2.47 a copy of the flavor the server was booted with.
    func flavor(_ s: Server, version: APIVersion) -> JSON {
        guard ComputeFeature.flavorEmbedded.served(at: version) else {
            return .object([("id", .string(s.flavor.id)), ("links", links.bookmark("flavors", s.flavor.id))])
        }
        let f = s.flavor
        return .object([("vcpus", .int(f.vcpus)), ("ram", .int(f.ramMB)), ("disk", .int(f.diskGB)), ("ephemeral", .int(f.ephemeralGB)),
                        ("swap", .int(f.swapMB)), ("original_name", .string(f.name)), ("extra_specs", .object([]))])
    }

    /// The members each version adds to show, detail and update alike.
    private func versioned(_ s: Server, version: APIVersion, show: Bool, into m: inout [(String, JSON)]) {
        if ComputeFeature.locked.served(at: version) { m.append(("locked", .bool(s.locked))) }
        if ComputeFeature.description.served(at: version) { m.append(("description", JSON(s.description))) }
        if ComputeFeature.tags.served(at: version) { m.append(("tags", .array(s.tags.map(JSON.string)))) }
        if ComputeFeature.trustedCertificates.served(at: version) { m.append(("trusted_image_certificates", .null)) }
        if show && ComputeFeature.serverGroupsInShow.served(at: version) {
            m.append(("server_groups", .array(s.groupID.map { [.string($0)] } ?? [])))
        }
        if ComputeFeature.lockedReason.served(at: version) { m.append(("locked_reason", JSON(s.lockedReason))) }
    }

    /// Nova's hostId: an opaque hash of project and host, empty until placed.
    static func hostID(_ s: Server) -> String {
        guard let host = s.hostName else { return "" }
        let key = s.projectID + "/" + host
        if let known = hostIDs.withLock({ $0[key] }) { return known }
        let value = String(SHA256.hash(data: Data((s.projectID + host).utf8)).hexString.prefix(56))
        hostIDs.withLock { cache in
            if cache.count > 100_000 { cache.removeAll() }
            cache[key] = value
        }
        return value
    }

    private static let hostIDs = Mutex<[String: String]>([:])

    static let progressStatuses: Set<ServerStatus> = [.build, .active]

    /// The full view of `GET /servers/{id}` (`show`) and `/servers/detail`.
    /// - Parameter hostStatus: Nova's `host_status` (2.16, admins), when shown.
    func detail(_ s: Server, admin: Bool, version: APIVersion, hostStatus: String? = nil, show: Bool = false) -> JSON {
        if s.unreachable { return unreachable(s, show: show, version: version) }
        var m: [(String, JSON)] = [
            ("id", .string(s.id)),
            ("name", .string(s.name)),
            ("status", .string(s.status.rawValue)),
            ("tenant_id", .string(s.projectID)),
            ("user_id", .string(s.userID)),
            ("metadata", .object(s.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("hostId", .string(Self.hostID(s))),
            ("image", image(s, version: version)),
            ("flavor", flavor(s, version: version)),
            ("created", .string(Timestamps.seconds(s.createdAt))),
            ("updated", .string(Timestamps.seconds(s.updatedAt))),
            ("addresses", Self.addresses(s)),
            ("accessIPv4", .string(s.accessIPv4)),
            ("accessIPv6", .string(Self.compressIPv6(s.accessIPv6))),
            ("links", links.links("servers", s.id)),
            ("key_name", JSON(s.keyName)),
            ("OS-DCF:diskConfig", "MANUAL"),
            ("OS-EXT-AZ:availability_zone", .string(s.site)),
            ("OS-EXT-STS:power_state", .int(s.powerState.rawValue)),
            ("OS-EXT-STS:task_state", JSON(s.taskState?.rawValue)),
            ("OS-EXT-STS:vm_state", .string(s.vmState.rawValue)),
            ("OS-SRV-USG:launched_at", JSON(s.launchedAt.map(Timestamps.micros))),
            ("OS-SRV-USG:terminated_at", JSON(s.terminatedAt.map(Timestamps.micros))),
            ("os-extended-volumes:volumes_attached", .array(s.volumes.map { v in
                .object([("id", .string(v.volumeID))]
                        + (ComputeFeature.extendedAttributes.served(at: version) ? [("delete_on_termination", .bool(v.deleteOnTermination))] : []))
            })),
            ("security_groups", Self.securityGroups(s)),
            ("config_drive", ""),
        ]
        if Self.progressStatuses.contains(s.status) { m.append(("progress", .int(s.status == .active ? 100 : 0))) }
        if s.status == .error, let fault = s.fault {
            m.append(("fault", .object([("code", .int(fault.code)), ("created", .string(Timestamps.seconds(fault.created))),
                                        ("message", .string(fault.message))])))
        }
        if admin {
            m.append(("OS-EXT-SRV-ATTR:host", JSON(s.hostName)))
            m.append(("OS-EXT-SRV-ATTR:hypervisor_hostname", JSON(s.hostName)))
            m.append(("OS-EXT-SRV-ATTR:instance_name", .string("instance-" + s.id.prefix(8))))
            if ComputeFeature.extendedAttributes.served(at: version) {
                m += [
                    ("OS-EXT-SRV-ATTR:reservation_id", .string(s.reservationID)),
                    ("OS-EXT-SRV-ATTR:launch_index", .int(s.launchIndex)),
                    ("OS-EXT-SRV-ATTR:hostname", .string(s.hostname)),
                    // Guests boot from their image's own disk here: no separate kernel or ramdisk images.
                    ("OS-EXT-SRV-ATTR:kernel_id", ""), ("OS-EXT-SRV-ATTR:ramdisk_id", ""),
                    ("OS-EXT-SRV-ATTR:root_device_name", "/dev/vda"),
                    ("OS-EXT-SRV-ATTR:user_data", JSON(s.userData)),
                ]
            }
        }
        if let hostStatus { m.append(("host_status", .string(hostStatus))) }
        versioned(s, version: version, show: show, into: &m)
        if !admin && ComputeFeature.hostname.served(at: version) { m.append(("OS-EXT-SRV-ATTR:hostname", .string(s.hostname))) }
        if ComputeFeature.pinnedZone.served(at: version) { m.append(("pinned_availability_zone", JSON(s.pinnedZone))) }
        if ComputeFeature.schedulerHints.served(at: version) {
            m.append(("scheduler_hints", .object(s.schedulerHints.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map(JSON.string))) })))
        }
        return .object(m)
    }

    /// The view `PUT /servers/{id}` answers with: the common attributes (no extensions), and
    /// from 2.75 the whole show.
    func update(_ s: Server, admin: Bool, version: APIVersion, hostStatus: String?) -> JSON {
        if ComputeFeature.fullUpdateView.served(at: version) {
            return detail(s, admin: admin, version: version, hostStatus: hostStatus, show: true)
        }
        var m: [(String, JSON)] = [
            ("id", .string(s.id)), ("name", .string(s.name)), ("status", .string(s.status.rawValue)),
            ("tenant_id", .string(s.projectID)), ("user_id", .string(s.userID)),
            ("metadata", .object(s.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("hostId", .string(Self.hostID(s))),
            ("image", image(s, version: version)), ("flavor", flavor(s, version: version)),
            ("created", .string(Timestamps.seconds(s.createdAt))), ("updated", .string(Timestamps.seconds(s.updatedAt))),
            ("addresses", Self.addresses(s)), ("accessIPv4", .string(s.accessIPv4)),
            ("accessIPv6", .string(Self.compressIPv6(s.accessIPv6))), ("links", links.links("servers", s.id)),
        ]
        if Self.progressStatuses.contains(s.status) { m.append(("progress", .int(s.status == .active ? 100 : 0))) }
        versioned(s, version: version, show: true, into: &m)
        return .object(m)
    }

    /// `0000:0000:…:babe:220.12.22.2` → `::babe:dc0c:1602`, as Nova returns it.
    static func compressIPv6(_ text: String) -> String {
        guard text.contains(":") else { return text }
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return text }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return text }
        let printed = String(cString: buffer)
        // inet_ntop may print an embedded IPv4 tail; Nova prints hex groups.
        guard let lastColon = printed.lastIndex(of: ":"), printed[lastColon...].contains(".") else { return printed }
        let parts = printed[printed.index(after: lastColon)...].split(separator: ".").compactMap { UInt16($0) }
        guard parts.count == 4 else { return printed }
        let high = String(parts[0] << 8 | parts[1], radix: 16), low = String(parts[2] << 8 | parts[3], radix: 16)
        return printed[...lastColon] + high + ":" + low
    }
}

#if canImport(Glibc)
import Glibc
#endif

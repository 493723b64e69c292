import AgentProtocol
import DataPlane
import Foundation
import HTTPTypes
public import Hummingbird
import HypervisorDriver
import LUCBase
import NIOCore
import NIOFoundationEssentialsCompat

/// The agent's HTTP endpoint: machine operations on its hosts, for controllers only.
public enum AgentRoutes {
    struct Failure: HTTPResponseError {
        var status: HTTPResponse.Status
        var message: String

        func response(from request: Request, context: some RequestContext) throws -> Response {
            let body = try JSONEncoder().encode(["error": ["code": "\(status.code)", "message": message]])
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    static func fail(_ error: any Error) -> Failure {
        guard let error = error as? DriverError else { return Failure(status: .internalServerError, message: "\(error)") }
        return Failure(status: .init(code: AgentStatus.status(of: error)), message: error.message)
    }

    /// Decodes a request body of the protocol's version.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, version: (T) -> Int) async throws -> T {
        let body = try await request.body.collect(upTo: 1 << 20)
        let value: T
        do { value = try JSONDecoder().decode(type, from: Data(buffer: body)) } catch {
            throw Failure(status: .badRequest, message: "malformed \(type): \(error)")
        }
        guard version(value) == AgentProtocol.version else {
            throw Failure(status: .badRequest, message: "\(type) version \(version(value)) is not spoken here (\(AgentProtocol.version) is)")
        }
        return value
    }

    static func json(_ value: some Encodable) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
    }

    static func authorize(_ request: Request, secret: String) throws {
        guard let presented = request.headers[HTTPField.Name(AgentProtocol.secretHeader)!], presented.utf8.elementsEqual(secret.utf8) else {
            throw Failure(status: .unauthorized, message: "missing or wrong cluster secret")
        }
    }

    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil }
    }

    static func filter(_ port: NetworkWiring.Port) -> PortFilter {
        func rule(_ rule: NetworkWiring.Rule) -> FilterRule {
            FilterRule(family: rule.ethertype == "IPv6" ? .ipv6 : .ipv4, proto: rule.proto, portMin: rule.portMin,
                       portMax: rule.portMax, remote: rule.remote)
        }
        return PortFilter(portID: port.id, mac: port.mac, addresses: port.addresses, security: port.security,
                          ingress: port.ingress.map(rule), egress: port.egress.map(rule))
    }

    static func isMAC(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 6 && parts.allSatisfy { $0.count == 2 && UInt8($0, radix: 16) != nil }
    }

    /// The key under which a host's kernel changes are serialised.
    static func hostKey(_ fabric: HostFabric) -> String { "\(fabric.namespace ?? "")|\(fabric.underlay)" }

    /// The network ID of the path: letters, digits and dashes (it names the host's devices).
    static func networkID(_ context: BasicRequestContext) throws -> String {
        let id = try context.parameters.require("network")
        guard !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw Failure(status: .badRequest, message: "\(id) is not a network ID")
        }
        return id
    }

    /// A host's tenant networks: `PUT {network}` makes the host carry it as the `NetworkWiring`
    /// says (idempotent), `DELETE {network}` removes it from the host (the first 12 hex digits
    /// of its ID suffice), `GET` lists those it carries (by those digits).
    static func networkRoutes(_ group: RouterGroup<BasicRequestContext>, agent: ComputeAgent, secret: String) {
        @Sendable func fabric(_ request: Request, _ context: BasicRequestContext) throws -> HostFabric {
            try authorize(request, secret: secret)
            guard let host = context.parameters.get("host") else { throw Failure(status: .notFound, message: "no such host on this agent") }
            let found = agent.fabric(forHost: host)
            guard found.registered else { throw Failure(status: .notFound, message: "no such host on this agent") }
            guard let fabric = found.fabric else {
                throw Failure(status: .conflict, message: "host \(host) carries no tenant networks: its agent was started without a data plane")
            }
            return fabric
        }
        group.put(":network") { request, context in
            let fabric = try fabric(request, context)
            let wiring = try await decode(NetworkWiring.self, request) { $0.v }
            guard (1...16_777_215).contains(wiring.vni), (576...9000).contains(wiring.mtu) else {
                throw Failure(status: .badRequest, message: "vni must be 1...16777215 and mtu 576...9000")
            }
            if let bad = wiring.peers.first(where: { !isIPv4($0) }) ?? wiring.macs.values.first(where: { !isIPv4($0) }) {
                throw Failure(status: .badRequest, message: "\(bad) is not an IPv4 underlay address")
            }
            if let bad = wiring.macs.keys.first(where: { !isMAC($0) }) ?? wiring.neighbours?.values.first(where: { !isMAC($0) }) {
                throw Failure(status: .badRequest, message: "\(bad) is not a MAC address")
            }
            if let bad = wiring.neighbours?.keys.first(where: { !isIPv4($0) }) {
                throw Failure(status: .badRequest, message: "\(bad) is not an IPv4 address")
            }
            let network = OverlayNetwork(networkID: try networkID(context), vni: wiring.vni, mtu: wiring.mtu,
                                         answersARP: wiring.neighbours != nil && wiring.uplink != true)
            let filters = wiring.ports.map { $0.map(Self.filter) }
            if let filters {
                // Checked before anything changes: a bad value is the caller's, not the kernel's.
                do { _ = try FirewallRuleset.render(network, ports: filters) } catch {
                    throw Failure(status: .badRequest, message: "\(error)")
                }
                guard HostFabric.nftAvailable else {
                    throw Failure(status: .serviceUnavailable, message: "nftables (nft) is not installed on this host: security groups cannot be enforced")
                }
            }
            if wiring.uplink == true, fabric.uplink == nil {
                throw Failure(status: .unprocessableContent, message: "this host has no uplink interface: it cannot carry external network \(network.networkID)")
            }
            do {
                try await agent.dataPlaneLock.withLock(hostKey(fabric)) {
                    if wiring.uplink == true {
                        try await fabric.ensureUplink(network)
                    } else {
                        try await fabric.ensure(network)
                        try await fabric.setForwarding(peers: Set(wiring.peers), macs: wiring.macs, of: network)
                        try await fabric.setNeighbours(wiring.neighbours ?? [:], of: network)
                    }
                    if let filters { try await fabric.setFilters(filters, of: network) }
                }
            } catch { throw Failure(status: .internalServerError, message: "\(error)") }
            return Response(status: .noContent)
        }
        group.get("") { request, context in
            let fabric = try fabric(request, context)
            do {
                let bridges = try await fabric.networks().map(\.bridge) + [try await fabric.uplinkBridge()].compactMap { $0 }
                return try json(Set(bridges.filter { $0.hasPrefix("lb") }.map { String($0.dropFirst(2)) }).sorted())
            } catch { throw Failure(status: .internalServerError, message: "\(error)") }
        }
        group.delete(":network") { request, context in
            let fabric = try fabric(request, context)
            let id = try networkID(context)
            let bridge = OverlayNetwork.bridgeName(id)
            do {
                try await agent.dataPlaneLock.withLock(hostKey(fabric)) {
                    for carried in try await fabric.networks() where carried.bridge == bridge {
                        try await fabric.remove(OverlayNetwork(networkID: id, vni: carried.vni))
                    }
                    if try await fabric.uplinkBridge() == bridge { try await fabric.remove(OverlayNetwork(networkID: id, vni: 1)) }
                }
            } catch { throw Failure(status: .internalServerError, message: "\(error)") }
            return Response(status: .noContent)
        }
    }

    /// A host's routers: `PUT {router}` makes the host run it as the `RouterWiring` says
    /// (idempotent; its networks' bridges must be there), `DELETE {router}` removes it, `GET`
    /// lists the routers it runs (first 12 hex digits of their IDs).
    static func routerRoutes(_ group: RouterGroup<BasicRequestContext>, agent: ComputeAgent, secret: String) {
        @Sendable func routers(_ request: Request, _ context: BasicRequestContext) throws -> (HostFabric, HostRouter) {
            try authorize(request, secret: secret)
            guard let host = context.parameters.get("host") else { throw Failure(status: .notFound, message: "no such host on this agent") }
            let found = agent.fabric(forHost: host)
            guard found.registered else { throw Failure(status: .notFound, message: "no such host on this agent") }
            guard let fabric = found.fabric, let routers = agent.routers(forHost: host) else {
                throw Failure(status: .conflict, message: "host \(host) runs no routers: its agent was started without a data plane")
            }
            return (fabric, routers)
        }
        @Sendable func routerID(_ context: BasicRequestContext) throws -> String {
            let id = try context.parameters.require("router")
            guard !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw Failure(status: .badRequest, message: "\(id) is not a router ID")
            }
            return id
        }
        @Sendable func leg(_ leg: RouterWiring.Leg) throws -> RouterSpec.Leg {
            guard leg.network.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }), !leg.network.isEmpty, isMAC(leg.mac) else {
                throw Failure(status: .badRequest, message: "a leg needs a network ID and a MAC")
            }
            return RouterSpec.Leg(networkID: leg.network, address: leg.address, prefix: leg.prefix, mtu: leg.mtu, mac: leg.mac)
        }
        group.put(":router") { request, context in
            let (fabric, routers) = try routers(request, context)
            let wiring = try await decode(RouterWiring.self, request) { $0.v }
            let spec = RouterSpec(routerID: try routerID(context), gateway: try wiring.gateway.map(leg), nextHop: wiring.nextHop,
                                  interfaces: try wiring.interfaces.map(leg), snat: wiring.snat, floatingIPs: wiring.floatingIPs)
            do { try HostRouter.validate(spec) } catch { throw Failure(status: .badRequest, message: "\(error)") }
            guard HostFabric.nftAvailable else {
                throw Failure(status: .serviceUnavailable, message: "nftables (nft) is not installed on this host: routers cannot NAT")
            }
            do {
                try await agent.dataPlaneLock.withLock(hostKey(fabric)) {
                    let bridges = Set(try await fabric.networks().map(\.bridge)).union([try await fabric.uplinkBridge()].compactMap { $0 })
                    let legs = (spec.gateway.map { [$0] } ?? []) + spec.interfaces
                    if let missing = legs.first(where: { !bridges.contains(OverlayNetwork.bridgeName($0.networkID)) }) {
                        throw Failure(status: .unprocessableContent, message: "network \(missing.networkID) is not carried by this host yet: wire it first")
                    }
                    try await routers.apply(spec)
                }
            } catch let failure as Failure { throw failure } catch { throw Failure(status: .internalServerError, message: "\(error)") }
            return Response(status: .noContent)
        }
        group.delete(":router") { request, context in
            let (fabric, routers) = try routers(request, context)
            let id = try routerID(context)
            do { try await agent.dataPlaneLock.withLock(hostKey(fabric)) { try await routers.remove(id) } } catch { throw Failure(status: .internalServerError, message: "\(error)") }
            return Response(status: .noContent)
        }
        group.get("") { request, context in
            let (_, routers) = try routers(request, context)
            do { return try json(try await routers.routerIDs()) } catch { throw Failure(status: .internalServerError, message: "\(error)") }
        }
    }

    public static func router(agent: ComputeAgent, secret: String) -> Router<BasicRequestContext> {
        let router = Router()
        let group = router.group("/agent/v1/hosts/:host/machines")
        @Sendable func driver(_ request: Request, _ context: BasicRequestContext) throws -> any HypervisorDriver {
            try authorize(request, secret: secret)
            guard let host = context.parameters.get("host"), let driver = agent.driver(forHost: host) else {
                throw Failure(status: .notFound, message: "no such host on this agent")
            }
            return driver
        }
        group.post("") { request, context in
            let driver = try driver(request, context)
            let spawn = try await decode(SpawnRequest.self, request) { $0.v }
            do { return try json(try await driver.spawn(spawn.machineSpec)) } catch { throw fail(error) }
        }
        // Every machine of the host, as its driver sees it (operators; orphan checks in tests).
        group.get("") { request, context in
            let driver = try driver(request, context)
            do { return try json(try await driver.list()) } catch { throw fail(error) }
        }
        group.get(":id") { request, context in
            let driver = try driver(request, context)
            guard let info = try await driver.inspect(try context.parameters.require("id")) else {
                throw Failure(status: .notFound, message: "no such machine")
            }
            return try json(info)
        }
        group.delete(":id") { request, context in
            let driver = try driver(request, context)
            do { try await driver.destroy(try context.parameters.require("id")) } catch { throw fail(error) }
            return Response(status: .noContent)
        }
        group.get(":id/console") { request, context in
            let driver = try driver(request, context)
            let lines = request.uri.queryParameters["lines"].flatMap { Int($0) }
            do {
                let text = try await driver.consoleOutput(try context.parameters.require("id"), maxLines: lines)
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: text)))
            } catch { throw fail(error) }
        }
        group.post(":id/disks") { request, context in
            let driver = try driver(request, context)
            let attach = try await decode(AttachDiskRequest.self, request) { $0.v }
            do {
                return try json(try await driver.attachDisk(try context.parameters.require("id"), disk: attach.disk.machineDisk))
            } catch { throw fail(error) }
        }
        group.delete(":id/disks/:volume") { request, context in
            let driver = try driver(request, context)
            do {
                return try json(try await driver.detachDisk(try context.parameters.require("id"),
                                                            diskID: try context.parameters.require("volume")))
            } catch { throw fail(error) }
        }
        group.post(":id/ports") { request, context in
            let driver = try driver(request, context)
            let attach = try await decode(AttachPortRequest.self, request) { $0.v }
            do {
                return try json(try await driver.attachPort(try context.parameters.require("id"), port: attach.nic.machinePort))
            } catch { throw fail(error) }
        }
        group.delete(":id/ports/:port") { request, context in
            let driver = try driver(request, context)
            do {
                return try json(try await driver.detachPort(try context.parameters.require("id"),
                                                            portID: try context.parameters.require("port")))
            } catch { throw fail(error) }
        }
        group.post(":id/:operation") { request, context in
            let driver = try driver(request, context)
            let id = try context.parameters.require("id")
            guard let operation = MachineOperation(rawValue: try context.parameters.require("operation")) else {
                throw Failure(status: .notFound, message: "no such operation")
            }
            do { return try json(try await operation.perform(on: driver, machine: id)) } catch { throw fail(error) }
        }
        networkRoutes(router.group("/agent/v1/hosts/:host/networks"), agent: agent, secret: secret)
        routerRoutes(router.group("/agent/v1/hosts/:host/routers"), agent: agent, secret: secret)
        router.get("/healthz") { _, _ in "ok" }
        return router
    }
}

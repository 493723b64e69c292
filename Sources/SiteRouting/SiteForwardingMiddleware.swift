public import AsyncHTTPClient
import CloudModel
public import ControlPlane
import Foundation
public import HTTPTypes
public import Hummingbird
public import NIOCore
import NIOHTTP1
public import OpenStackHTTP

/// Ships work to the data: a request matching one of the services' site-scoped routes about a
/// resource of another site (its ID says which), or a create into another site's zone (parsed by
/// `ZoneRequest`, so `lyon:host-2` goes to lyon), is forwarded in one hop to a controller of that
/// site and its answer returned as is. A site that does not answer fails the request fast with a 503.
///
/// The controllers of a site are found through its liveness leases (`SiteControllers`). Not
/// installed where one store is shared by all sites: every controller then serves every site.
public struct SiteForwardingMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext
    let cloud: ControlPlane
    /// The site-scoped routes every service declared (`APIService.siteScopedRoutes`).
    let routes: [SiteScopedRoute]
    let client: HTTPClient
    /// Live controllers of each other site, as reached from this one.
    let controllers: SiteControllers
    let timeout: TimeAmount
    public static let forwardedHeader = HTTPField.Name("X-LUC-Forwarded-By")!

    public init(cloud: ControlPlane, routes: [SiteScopedRoute], client: HTTPClient, controllers: SiteControllers,
                timeout: TimeAmount = .milliseconds(2500)) {
        self.cloud = cloud
        self.routes = routes
        self.client = client
        self.controllers = controllers
        self.timeout = timeout
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let configuration = cloud.configuration
        guard request.headers[Self.forwardedHeader] == nil else {
            return try await next(request, context)
        }
        let path = request.uri.path
        guard let (route, match) = routes.lazy.compactMap({ route in route.match(method: request.method, path: path).map { (route, $0) } }).first
        else { return try await next(request, context) }
        switch match {
        case let .id(id):
            if let site = await cloud.sites.home(of: id), site.id != configuration.site {
                do {
                    return try await forward(request, body: nil, to: site.id)
                } catch let error as ControlPlaneError where error.code == .unavailable && route.answersWhenUnreachable {
                    var context = context
                    context.unreachableHome = site.id
                    return try await next(request, context)
                }
            }
            return try await next(request, context)
        case let .zoneInBody(member):
            var request = request
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let named = member.reduce(JSON.parse(Data(body.readableBytesView))) { $0?[$1] }?.string
            if let zone = named.map(ZoneRequest.init(parsing:))?.zone, zone != configuration.site,
               await cloud.sites.site(zone) != nil {
                return try await forward(request, body: body, to: zone)
            }
            return try await next(request, context)
        }
    }

    func forward(_ request: Request, body: ByteBuffer?, to site: String) async throws -> Response {
        var body = body
        if body == nil, request.method != .get, request.method != .head, request.method != .delete {
            body = try await request.body.collect(upTo: 1 << 20)
        }
        let bases = await controllers.controllers(of: site)
        for base in bases {
            var outbound = HTTPClientRequest(url: base + request.uri.description)
            outbound.method = HTTPMethod(rawValue: request.method.rawValue)
            for field in request.headers where field.name != .contentLength {
                outbound.headers.add(name: field.name.rawName, value: field.value)
            }
            outbound.headers.add(name: Self.forwardedHeader.rawName, value: cloud.configuration.controllerID)
            outbound.headers.add(name: SiteScopedRoute.originSiteHeader.rawName, value: cloud.configuration.site)
            if let body { outbound.body = .bytes(body) }
            // Reads fail fast; writes get longer (the remote site may itself wait on a third one).
            let limit = request.method == .get || request.method == .head ? timeout : timeout + .seconds(2)
            guard let reply = try? await client.execute(outbound, timeout: limit),
                  let content = try? await reply.body.collect(upTo: 64 << 20)
            else { continue }
            var headers = HTTPFields()
            for (name, value) in reply.headers {
                guard let field = HTTPField.Name(name), field != .contentLength, field != .transferEncoding,
                      field != OpenStackMiddleware.requestIDHeader, field != .connection else { continue }
                headers.append(HTTPField(name: field, value: value))
            }
            return Response(status: .init(code: Int(reply.status.code)), headers: headers, body: .init(byteBuffer: content))
        }
        if bases.isEmpty {
            throw ControlPlaneError(.unavailable, "No live controller of site \(site) is known at site \(cloud.configuration.site): its resources cannot be shown or changed until one is reachable.")
        }
        throw ControlPlaneError(.unavailable, "Site \(site) does not answer from site \(cloud.configuration.site): its resources cannot be shown or changed until it is reachable again.")
    }
}

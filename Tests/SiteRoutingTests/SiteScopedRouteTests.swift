import ComputeAPI
import ControlPlane
import HTTPTypes
import OpenStackHTTP
import Testing

/// The declarations the forwarding and the error middleware read.
@Suite("Site-scoped routes and status tables")
struct SiteScopedRouteTests {
    let routes = ComputeRoutes.service.siteScopedRoutes

    func match(_ method: HTTPRequest.Method, _ path: String) -> SiteScopedRoute.Match? {
        routes.lazy.compactMap { $0.match(method: method, path: path) }.first
    }

    @Test func serverRoutesNameTheIDOrTheZone() {
        #expect(match(.get, "/compute/v2.1/servers/abc") == .id("abc"))
        #expect(match(.post, "/compute/v2.1/servers/abc/action") == .id("abc"))
        #expect(match(.get, "/compute/v2.1/servers/abc/os-instance-actions/req-1") == .id("abc"))
        #expect(match(.post, "/compute/v2.1/servers") == .zoneInBody(["server", "availability_zone"]))
        #expect(match(.get, "/compute/v2.1/servers") == nil)
        #expect(match(.get, "/compute/v2.1/flavors/abc") == nil)
        #expect(match(.get, "/image/v2/images/abc") == nil)
    }

    @Test func wildcardsMatchOneSegment() {
        let volume = SiteScopedRoute("/volume/v3/*/volumes/{id}/**", home: .idInPath)
        #expect(volume.match(method: .delete, path: "/volume/v3/p1/volumes/v1") == .id("v1"))
        #expect(volume.match(method: .delete, path: "/volume/v3/volumes/v1") == nil)
        let create = SiteScopedRoute(.post, "/volume/v3/*/volumes", home: .zoneInBody(["volume", "availability_zone"]))
        #expect(create.match(method: .post, path: "/volume/v3/p1/volumes") == .zoneInBody(["volume", "availability_zone"]))
        #expect(create.match(method: .post, path: "/volume/v3/p1/volumes/detail") == nil)
        let backup = SiteScopedRoute(.post, "/volume/v3/*/backups", home: .zoneInBody(["backup", "availability_zone"]))
        #expect(backup.match(method: .post, path: "/volume/v3/p1/backups") == .zoneInBody(["backup", "availability_zone"]))
        let restore = SiteScopedRoute("/volume/v3/*/backups/{id}/**", home: .idInPath)
        #expect(restore.match(method: .post, path: "/volume/v3/p1/backups/b1/restore") == .id("b1"))
    }

    @Test func overLimitIsEachServicesOwn() {
        #expect(ComputeRoutes.service.statuses.status(of: .overLimit) == 403)
        #expect(StatusTable().status(of: .overLimit) == 413)
        #expect(ComputeRoutes.service.statuses.status(of: .notFound) == 404)
    }
}

import HTTPTypes
import ControlPlane
public import OpenStackHTTP

extension VolumeRoutes {
    /// Cinder's Block Storage v3 at `/volume/v3/{project_id}` (catalog types `block-storage` and
    /// `volumev3`), in the controller's service list. A volume, snapshot or backup lives at its
    /// site: requests about one, and creates naming an availability zone, go to that site (a
    /// backup's create to the site that keeps it, whose controllers fetch the volume's bytes).
    public static let service = APIService(
        catalog: CatalogEntry(type: "block-storage", aliases: ["volumev3"], name: "cinderv3", path: "/volume/v3/{project_id}"),
        pathPrefix: "/volume", errorStyle: .compute,
        siteScopedRoutes: [SiteScopedRoute("/volume/v3/*/volumes/{id}", home: .idInPath),
                           SiteScopedRoute("/volume/v3/*/volumes/{id}/**", home: .idInPath),
                           SiteScopedRoute("/volume/v3/*/snapshots/{id}", home: .idInPath),
                           SiteScopedRoute("/volume/v3/*/snapshots/{id}/**", home: .idInPath),
                           SiteScopedRoute("/volume/v3/*/backups/{id}", home: .idInPath),
                           SiteScopedRoute("/volume/v3/*/backups/{id}/**", home: .idInPath),
                           SiteScopedRoute(.post, "/volume/v3/*/volumes", home: .zoneInBody(["volume", "availability_zone"])),
                           SiteScopedRoute(.post, "/volume/v3/*/backups", home: .zoneInBody(["backup", "availability_zone"]))]
    ) { router, context in
        VolumeRoutes(cloud: context.cloud).register(on: router)
    }
}

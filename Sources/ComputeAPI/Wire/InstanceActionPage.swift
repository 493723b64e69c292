import CloudModel
import Foundation
import OpenStackHTTP

/// `GET /servers/{id}/os-instance-actions` paging and filters (2.58: `limit`, `marker` = a
/// request ID, `changes-since`; 2.66: `changes-before`), newest first.
enum InstanceActionPage {
    static func apply(_ q: Query, to actions: [InstanceAction], version: APIVersion) throws -> ([InstanceAction], String?) {
        var list = actions
        func updated(_ a: InstanceAction) -> Date { a.finishTime ?? a.startTime }
        if let since = try q["changes-since"].map({ try ServerListQuery.parseTime($0, "changes-since") }) {
            list = list.filter { updated($0) >= since }
        }
        if ComputeFeature.changesBefore.served(at: version),
           let before = try q["changes-before"].map({ try ServerListQuery.parseTime($0, "changes-before") }) {
            list = list.filter { updated($0) <= before }
        }
        return try MarkerPage.apply(list, q, id: \.requestID)
    }
}

/// A versioned stored form of a domain value.
protocol StoredRecord: Codable {
    associatedtype Model: Sendable
    init(_ model: Model)
    var model: Model { get }
}

extension StoredServer: StoredRecord {}
extension StoredFlavor: StoredRecord {}
extension StoredHost: StoredRecord {}
extension StoredImage: StoredRecord {}
extension StoredProject: StoredRecord {}
extension StoredUser: StoredRecord {}
extension StoredRole: StoredRecord {}
extension StoredSite: StoredRecord {}
extension StoredSiteCapacity: StoredRecord {}
extension StoredKeypair: StoredRecord {}
extension StoredServerGroup: StoredRecord {}
extension StoredQuota: StoredRecord {}
extension StoredUsage: StoredRecord {}
extension StoredInstanceAction: StoredRecord {}
extension StoredSighting: StoredRecord {}
extension StoredDomain: StoredRecord {}
extension StoredNetwork: StoredRecord {}
extension StoredSubnet: StoredRecord {}
extension StoredPort: StoredRecord {}
extension StoredSecurityGroup: StoredRecord {}
extension StoredNetworkQuota: StoredRecord {}
extension StoredRouter: StoredRecord {}
extension StoredFloatingIP: StoredRecord {}
extension StoredVolume: StoredRecord {}
extension StoredVolumeQuota: StoredRecord {}
extension StoredSnapshot: StoredRecord {}
extension StoredBackup: StoredRecord {}

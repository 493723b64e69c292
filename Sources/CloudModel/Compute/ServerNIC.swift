/// What a server's views show of one of its ports (the port itself lives at the server's site):
/// kept in the server's record, written in the same transaction as the port, so listing servers
/// reads no port.
public struct ServerNIC: Sendable, Hashable {
    public var portID: String
    public var networkID: String
    public var networkName: String
    public var macAddress: String
    public var addresses: [IPv4Address]
    /// Floating IPs associated with the port (Nova's `floating` addresses).
    public var floatingAddresses: [IPv4Address] = []
    /// The device tag the user gave the interface, if any.
    public var tag: String?
    /// Made for the server at boot (deleted with it), or the user's port (unbound from it).
    public var madeForServer: Bool

    public init(portID: String, networkID: String, networkName: String, macAddress: String, addresses: [IPv4Address],
                madeForServer: Bool) {
        self.portID = portID
        self.networkID = networkID
        self.networkName = networkName
        self.macAddress = macAddress
        self.addresses = addresses
        self.madeForServer = madeForServer
    }
}

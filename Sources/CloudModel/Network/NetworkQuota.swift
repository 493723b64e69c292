/// A project's Neutron quotas (-1: unlimited), Neutron's defaults unless set.
public struct NetworkQuota: Sendable, Hashable {
    public var networks = 100
    public var subnets = 100
    public var ports = 500
    public var routers = 10
    public var floatingIPs = 50
    public var securityGroups = 10
    public var securityGroupRules = 100

    public init() {}

    public static let defaults = NetworkQuota()

    /// Neutron's resource names and the values, in its order.
    public var items: [(String, Int)] {
        [("network", networks), ("subnet", subnets), ("port", ports), ("router", routers), ("floatingip", floatingIPs),
         ("security_group", securityGroups), ("security_group_rule", securityGroupRules)]
    }

    /// Sets the quota named as Neutron names it; false for an unknown name.
    public mutating func set(_ name: String, _ value: Int) -> Bool {
        switch name {
        case "network": networks = value
        case "subnet": subnets = value
        case "port": ports = value
        case "router": routers = value
        case "floatingip": floatingIPs = value
        case "security_group": securityGroups = value
        case "security_group_rule": securityGroupRules = value
        default: return false
        }
        return true
    }
}

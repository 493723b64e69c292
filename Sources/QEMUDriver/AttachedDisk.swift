/// A disk hot-plugged into a machine (a volume): the file and the root port it sits on.
public struct AttachedDisk: Codable, Sendable, Hashable {
    /// The volume's ID; also the guest-visible serial (first 20 characters).
    public var id: String
    public var path: String
    /// "raw" or "qcow2".
    public var format: String
    /// The hot-plug root port (1…`QEMUCommandLine.hotplugSlots`).
    public var slot: Int

    var nodeName: String { "vol\(slot)" }
    var deviceID: String { "vol\(slot)dev" }
    var serial: String { String(id.filter { $0 != "-" }.prefix(20)) }
}

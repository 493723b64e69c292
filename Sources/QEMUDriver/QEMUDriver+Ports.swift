import Foundation
public import HypervisorDriver

extension QEMUDriver {
    /// Hot-plugs a virtio-net interface on the port's tap (made on its network's bridge) on a
    /// free NIC root port of a running machine (`netdev_add` + `device_add`); a machine whose
    /// QEMU is not running gets it at its next launch. Idempotent per port ID.
    public func attachPort(_ serverID: String, port: MachinePort) async throws -> MachineInfo {
        try await driverCall(serverID) {
            var (dir, record) = try record(serverID)
            var ports = record.spec.ports ?? []
            if ports.contains(where: { $0.id == port.id }) { return info(dir, record) }
            var slots = record.portSlots
            guard let slot = (1...QEMUCommandLine.nicSlots).first(where: { !slots.contains($0) }) else {
                throw DriverError(code: .invalidState, message: "Machine \(serverID) has no free network slot.")
            }
            let tap = try await TapNetwork.plug(port, in: configuration.networkNamespace)
            if QEMUProcess.find(dir, serverID: serverID) != nil {
                do {
                    try await qmp(dir) { qmp in
                        try await qmp.execute("netdev_add", ["type": "tap", "id": "nd\(slot)", "ifname": tap,
                                                             "script": "no", "downscript": "no"])
                        do {
                            try await qmp.execute("device_add", ["driver": "virtio-net-pci", "id": "nic\(slot)", "netdev": "nd\(slot)",
                                                                 "mac": port.mac, "bus": "np\(slot)"])
                        } catch {
                            _ = try? await qmp.execute("netdev_del", ["id": "nd\(slot)"])
                            throw error
                        }
                    }
                } catch {
                    await TapNetwork.unplug(tap, in: configuration.networkNamespace)
                    throw error
                }
            }
            ports.append(port)
            slots.append(slot)
            record.spec.ports = ports
            record.taps.append(tap)
            record.nicSlots = slots
            try dir.save(record)
            return info(dir, record)
        }
    }

    /// Unplugs a port's interface: the guest releases the device (`device_del`, then
    /// `DEVICE_DELETED`), then its netdev and tap go. Succeeds when the port is not attached.
    public func detachPort(_ serverID: String, portID: String) async throws -> MachineInfo {
        try await driverCall(serverID) {
            var (dir, record) = try record(serverID)
            var ports = record.spec.ports ?? []
            guard let index = ports.firstIndex(where: { $0.id == portID }) else { return info(dir, record) }
            var slots = record.portSlots
            let slot = slots[index]
            if QEMUProcess.find(dir, serverID: serverID) != nil {
                try await qmp(dir) { qmp in
                    try await qmp.execute("device_del", ["id": "nic\(slot)"])
                    try await qmp.waitForEvent("DEVICE_DELETED", timeout: .seconds(30)) { $0["device"] as? String == "nic\(slot)" }
                    try await qmp.execute("netdev_del", ["id": "nd\(slot)"])
                }
            }
            if index < record.taps.count { await TapNetwork.unplug(record.taps.remove(at: index), in: configuration.networkNamespace) }
            ports.remove(at: index)
            slots.remove(at: index)
            record.spec.ports = ports
            record.nicSlots = slots
            try dir.save(record)
            return info(dir, record)
        }
    }
}

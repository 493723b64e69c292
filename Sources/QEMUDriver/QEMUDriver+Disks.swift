import Foundation
public import HypervisorDriver

extension QEMUDriver {
    /// Hot-plugs a disk file (a volume) as a virtio-blk device on a free root port of a running
    /// machine (`blockdev-add` + `device_add`); a machine whose QEMU is not running gets it at
    /// its next launch. It is re-attached at every later launch. Idempotent per disk ID.
    public func attachDisk(_ serverID: String, disk: MachineDisk) async throws -> MachineInfo {
        try await driverCall(serverID) {
            var (dir, record) = try record(serverID)
            if record.disks.contains(where: { $0.id == disk.id }) { return info(dir, record) }
            guard let slot = (1...QEMUCommandLine.hotplugSlots).first(where: { s in !record.disks.contains { $0.slot == s } }) else {
                throw DriverError(code: .invalidState, message: "Machine \(serverID) has no free hot-plug slot.")
            }
            let attached = AttachedDisk(id: disk.id, path: disk.path, format: disk.format, slot: slot)
            if QEMUProcess.find(dir, serverID: serverID) != nil {
                try await qmp(dir) { qmp in
                    try await qmp.execute("blockdev-add", ["node-name": attached.nodeName, "driver": disk.format,
                                                           "file": ["driver": "file", "filename": disk.path]])
                    do {
                        try await qmp.execute("device_add", ["driver": "virtio-blk-pci", "id": attached.deviceID,
                                                             "drive": attached.nodeName, "bus": "hp\(slot)", "serial": attached.serial])
                    } catch {
                        _ = try? await qmp.execute("blockdev-del", ["node-name": attached.nodeName])
                        throw error
                    }
                }
            }
            record.disks.append(attached)
            try dir.save(record)
            return info(dir, record)
        }
    }

    /// Unplugs a disk: the guest releases the device (`device_del`, then `DEVICE_DELETED`), then
    /// QEMU closes the file. Succeeds when the disk is not attached.
    public func detachDisk(_ serverID: String, diskID: String) async throws -> MachineInfo {
        try await driverCall(serverID) {
            var (dir, record) = try record(serverID)
            if let disk = record.disks.first(where: { $0.id == diskID }) {
                if QEMUProcess.find(dir, serverID: serverID) != nil {
                    try await qmp(dir) { qmp in
                        try await qmp.execute("device_del", ["id": disk.deviceID])
                        try await qmp.waitForEvent("DEVICE_DELETED", timeout: .seconds(30)) { $0["device"] as? String == disk.deviceID }
                        try await qmp.execute("blockdev-del", ["node-name": disk.nodeName])
                    }
                }
                record.disks.removeAll { $0.id == diskID }
                try dir.save(record)
            }
            return info(dir, record)
        }
    }
}

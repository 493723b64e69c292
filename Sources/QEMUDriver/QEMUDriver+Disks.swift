import Foundation
import HypervisorDriver

extension QEMUDriver {
    /// Hot-plugs a disk file (a volume) as a virtio-blk device on a free root port; it is
    /// re-attached at every later launch. Returns the attachment. Idempotent per volume ID.
    public func attachDisk(_ serverID: String, volumeID: String, path: String, format: String = "qcow2") async throws -> AttachedDisk {
        try await driverCall(serverID) {
            var (dir, record, _) = try running(serverID)
            if let existing = record.disks.first(where: { $0.id == volumeID }) { return existing }
            guard let slot = (1...QEMUCommandLine.hotplugSlots).first(where: { s in !record.disks.contains { $0.slot == s } }) else {
                throw DriverError(code: .invalidState, message: "Machine \(serverID) has no free hot-plug slot.")
            }
            let disk = AttachedDisk(id: volumeID, path: path, format: format, slot: slot)
            try await qmp(dir) { qmp in
                try await qmp.execute("blockdev-add", ["node-name": disk.nodeName, "driver": format,
                                                       "file": ["driver": "file", "filename": path]])
                do {
                    try await qmp.execute("device_add", ["driver": "virtio-blk-pci", "id": disk.deviceID, "drive": disk.nodeName,
                                                         "bus": "hp\(slot)", "serial": disk.serial])
                } catch {
                    _ = try? await qmp.execute("blockdev-del", ["node-name": disk.nodeName])
                    throw error
                }
            }
            record.disks.append(disk)
            try dir.save(record)
            return disk
        }
    }

    /// Unplugs a hot-plugged disk: the guest releases the device, then QEMU closes the file.
    /// Succeeds when the volume is not attached.
    public func detachDisk(_ serverID: String, volumeID: String) async throws {
        try await driverCall(serverID) {
            var (dir, record) = try record(serverID)
            guard let disk = record.disks.first(where: { $0.id == volumeID }) else { return }
            if QEMUProcess.find(dir, serverID: serverID) != nil {
                try await qmp(dir) { qmp in
                    try await qmp.execute("device_del", ["id": disk.deviceID])
                    try await qmp.waitForEvent("DEVICE_DELETED", timeout: .seconds(30)) { $0["device"] as? String == disk.deviceID }
                    try await qmp.execute("blockdev-del", ["node-name": disk.nodeName])
                }
            }
            record.disks.removeAll { $0.id == volumeID }
            try dir.save(record)
        }
    }
}

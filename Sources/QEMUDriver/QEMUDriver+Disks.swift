import Foundation
import Logging
public import HypervisorDriver

extension QEMUDriver {
    /// Hot-plugs a disk file (a volume) as a virtio-blk device on a free root port of a running
    /// machine (`blockdev-add` + `device_add`) and returns once the guest's driver took it up; a
    /// machine whose QEMU is not running gets it at its next launch. It is re-attached at every later launch. Idempotent per disk ID.
    public func attachDisk(_ serverID: String, disk: MachineDisk) async throws -> MachineInfo {
        try await driverCall(serverID) {
            var (dir, record) = try record(serverID)
            if record.disks.contains(where: { $0.id == disk.id }) { return info(dir, record) }
            guard let slot = (1...QEMUCommandLine.hotplugSlots).first(where: { s in !record.disks.contains { $0.slot == s } }) else {
                throw DriverError(code: .invalidState, message: "Machine \(serverID) has no free hot-plug slot.")
            }
            let attached = AttachedDisk(id: disk.id, path: disk.path, format: disk.format, slot: slot)
            let paused = record.intent == .paused
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
                    // Attached once the guest sees the disk: its virtio driver took the device up.
                    // A paused guest cannot; one without virtio drivers never does (then the
                    // device stays plugged and is reported after `guestAckTimeout`).
                    if !paused {
                        let seen = try await Self.waitForDriver(&qmp, device: attached.deviceID, timeout: Self.guestAckTimeout)
                        if !seen { logger.warning("the guest did not take the disk up", metadata: ["server.id": "\(serverID)", "disk": "\(disk.id)"]) }
                    }
                }
            }
            record.disks.append(attached)
            try dir.save(record)
            return info(dir, record)
        }
    }

    /// How long an attach waits for the guest's driver to take the disk up.
    static let guestAckTimeout: Duration = .seconds(20)

    /// Polls the device's virtio status (`x-query-virtio-status`, QEMU 7.2 and later) until the
    /// guest's driver reports it ready (`DRIVER_OK`); false after `timeout`. A QEMU without the
    /// command answers at once (true: nothing to wait on).
    static func waitForDriver(_ qmp: inout QMPSession, device: String, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let reply: Any
            do {
                reply = try await qmp.execute("x-query-virtio-status", ["path": "/machine/peripheral/\(device)/virtio-backend"])
            } catch {
                return true
            }
            let statuses = ((reply as? [String: Any])?["status"] as? [String: Any])?["statuses"] as? [String] ?? []
            if statuses.contains(where: { $0.hasPrefix("VIRTIO_CONFIG_S_DRIVER_OK") }) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
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

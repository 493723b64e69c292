public import Foundation

/// How a `QEMUDriver` runs machines on its host.
public struct QEMUConfiguration: Sendable {
    /// Which accelerator the machines use.
    public enum Accelerator: String, Sendable, Codable {
        /// Hardware virtualisation through /dev/kvm.
        case kvm
        /// QEMU's software emulation.
        case tcg
    }

    /// Holds `machines/<server>/` and `images/<image>/` of this host.
    public var stateDirectory: URL
    public var qemuBinary: String
    public var accelerator: Accelerator
    /// How long a guest may take from launch to its readiness marker before the spawn fails.
    /// Default 240 s: under the controllers' 330 s wait for a spawn, so the reason (no marker,
    /// with the console's tail) reaches the server's fault rather than a bare timeout.
    public var bootTimeout: Duration
    /// The line the guest prints on its serial console when it is ready.
    public var readinessMarker: String
    /// Memory kept free for the host: a launch that would leave less fails (the scheduler
    /// then tries another host).
    public var hostReserveMB: Int
    /// QEMU's own memory on top of the guest's (translation cache, device state).
    public var overheadMB: Int
    /// The console log is cut back to half of this once it grows past it.
    public var consoleLimitBytes: Int
    /// Guests booting at once on this machine, across all drivers and agents (default: one per
    /// core under TCG, four per core under KVM), coordinated through lock files in
    /// `bootSlotDirectory`.
    public var concurrentBoots: Int
    public var bootSlotDirectory: URL
    /// Firmware for machines booted from their image's kernel (nil: QEMU's default, SeaBIOS).
    /// Default: qboot where the QEMU packages ship it.
    public var directBootFirmware: String?
    /// The host's network namespace, for a host simulated on a shared machine (`DataPlane`'s
    /// `Underlay`): taps are made there and QEMU runs there (`ip netns exec`). Nil: the agent's.
    public var networkNamespace: String?

    /// The machine-wide boots at once by default: one per core under TCG (CPU-bound), four per
    /// core under KVM.
    public static func defaultConcurrentBoots(_ accelerator: Accelerator) -> Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return accelerator == .kvm ? 4 * cores : cores
    }

    /// qboot, a minimal firmware that only loads the kernel QEMU was given, if installed.
    public static var installedQboot: String? {
        ["/usr/share/qemu/qboot.rom", "/usr/share/qemu/qboot.bin"].first { FileManager.default.fileExists(atPath: $0) }
    }

    public init(stateDirectory: URL, qemuBinary: String = "qemu-system-x86_64", accelerator: Accelerator = .tcg,
                bootTimeout: Duration = .seconds(240), readinessMarker: String = "luc-guest: ready",
                hostReserveMB: Int = 1024, overheadMB: Int = 48, consoleLimitBytes: Int = 1 << 20,
                concurrentBoots: Int? = nil, bootSlotDirectory: URL = URL(fileURLWithPath: "/tmp/luc-boot-slots"),
                directBootFirmware: String? = QEMUConfiguration.installedQboot, networkNamespace: String? = nil) {
        self.stateDirectory = stateDirectory
        self.qemuBinary = qemuBinary
        self.accelerator = accelerator
        self.bootTimeout = bootTimeout
        self.readinessMarker = readinessMarker
        self.hostReserveMB = hostReserveMB
        self.overheadMB = overheadMB
        self.consoleLimitBytes = consoleLimitBytes
        self.concurrentBoots = concurrentBoots ?? Self.defaultConcurrentBoots(accelerator)
        self.bootSlotDirectory = bootSlotDirectory
        self.directBootFirmware = directBootFirmware
        self.networkNamespace = networkNamespace
    }
}

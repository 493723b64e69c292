/// Failures of the QEMU tooling below the driver (QMP, processes, images). The driver turns
/// them into `DriverError`s.
struct QEMUError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

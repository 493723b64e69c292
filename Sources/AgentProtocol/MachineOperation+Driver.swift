public import HypervisorDriver

extension MachineOperation {
    /// The driver call of each operation: the one mapping, used by the agent's endpoint and by
    /// agents called in process.
    /// - Parameter stopGrace: how long `stop` lets the guest shut down before forcing it off.
    public func perform(on driver: any HypervisorDriver, machine id: String, stopGrace: Duration = .seconds(30))
        async throws -> MachineInfo
    {
        switch self {
        case .stop: try await driver.stop(id, grace: stopGrace)
        case .start: try await driver.start(id)
        case .pause: try await driver.pause(id)
        case .unpause: try await driver.unpause(id)
        case .suspend: try await driver.suspend(id)
        case .resume: try await driver.resume(id)
        case .reboot: try await driver.reboot(id, hard: false)
        case .rebootHard: try await driver.reboot(id, hard: true)
        case .nmi: try await driver.injectNMI(id)
        }
    }
}

public import HypervisorDriver

/// The one table between driver errors, the statuses an agent answers with, and what its
/// callers make of them. Agents called in process go through it too, so they fail as HTTP ones do.
public enum AgentStatus {
    /// The HTTP status an agent answers for a driver error.
    public static func status(of error: DriverError) -> Int {
        switch error.code {
        case .notFound: 404
        case .invalidState: 409
        case .unavailable: 503
        default: 500
        }
    }

    /// What a caller makes of a non-2xx status: 404 is no such machine, 502 and above an agent
    /// that cannot do its work now, anything else the driver's failure.
    public static func kind(ofStatus status: Int) -> AgentCallError.Kind {
        status == 404 ? .notFound : (status >= 502 ? .unreachable : .driver)
    }

    /// The caller's view of a driver error, as if it had crossed HTTP.
    public static func callError(_ error: DriverError) -> AgentCallError {
        AgentCallError(kind: kind(ofStatus: status(of: error)), message: error.message)
    }
}

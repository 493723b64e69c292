/// What one microversion of an OpenStack API changes, as LUC's table for that API records it
/// (`ComputeMicroversions`, `VolumeMicroversions`).
public enum MicroversionChange: Sendable {
    /// The version's change is served (formats, calls, validation).
    case served(String)
    /// The change concerns an API LUC does not serve at any version (it answers 404 there, as
    /// the service does for an API that is absent): nothing changes.
    case absent(String)
    /// Not built yet: the maximum stops below it.
    case pending(String)

    /// The highest version a table serves: the one before its first pending change.
    public static func maximum(from minimum: APIVersion, _ history: [(APIVersion, MicroversionChange)]) -> APIVersion {
        var served = minimum
        for (version, change) in history {
            if case .pending = change { break }
            served = version
        }
        return served
    }
}

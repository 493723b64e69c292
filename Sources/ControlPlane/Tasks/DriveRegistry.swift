/// Which servers this controller is driving right now, so that one server is never driven by
/// two loops of the same controller. A request to drive a server already in flight makes the
/// running loop look again when it finishes.
actor DriveRegistry {
    private var active: [String: Bool] = [:]

    /// True when the caller should run the loop; false when one is running (it will re-check).
    func begin(_ id: String) -> Bool {
        if active[id] != nil {
            active[id] = true
            return false
        }
        active[id] = false
        return true
    }

    /// True when someone asked again meanwhile and the loop should run once more.
    func finish(_ id: String) -> Bool {
        if active[id] == true {
            active[id] = false
            return true
        }
        active[id] = nil
        return false
    }

    func isActive(_ id: String) -> Bool { active[id] != nil }
}

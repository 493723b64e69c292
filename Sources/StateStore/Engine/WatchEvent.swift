/// A change seen under a watched prefix.
public enum WatchEvent: Sendable, Hashable {
    case put(Entry)
    case deleted(key: String)
}

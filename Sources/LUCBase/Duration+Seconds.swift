extension Duration {
    /// The duration in seconds (for `TimeInterval`s, reports and TTLs).
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    /// The duration in whole milliseconds, rounded up, at least 1 (TTLs of stores that count in ms).
    public var wholeMilliseconds: Int {
        max(1, Int((components.seconds * 1000) + (components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
    }
}

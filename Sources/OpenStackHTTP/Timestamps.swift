public import Foundation

/// The date formats the OpenStack APIs use (UTC), written by hand: list views format thousands
/// of them and `String(format:)` was the largest cost of a detail list.
public enum Timestamps {
    private static func format(_ date: Date, fraction: Bool, zulu: Bool) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = Int(seconds.rounded(.down))
        let micros = min(max(Int((seconds - Double(whole)) * 1_000_000), 0), 999_999)
        let second = whole % 60, minute = whole / 60 % 60, hour = whole / 3600 % 24
        whole /= 86400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = whole + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var v = value
            while divisor > 0 {
                bytes.append(UInt8(48 + v / divisor % 10))
                v %= divisor
                divisor /= 10
            }
        }
        digits(year, 4); bytes.append(45); digits(month, 2); bytes.append(45); digits(day, 2)
        bytes.append(84); digits(hour, 2); bytes.append(58); digits(minute, 2); bytes.append(58); digits(second, 2)
        if fraction { bytes.append(46); digits(micros, 6) }
        if zulu { bytes.append(90) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `2013-09-03T04:01:32Z` (Nova `created`/`updated`, Glance).
    public static func seconds(_ date: Date) -> String { format(date, fraction: false, zulu: true) }
    /// `2015-11-07T02:58:43.578887Z` (Keystone).
    public static func microsZulu(_ date: Date) -> String { format(date, fraction: true, zulu: true) }
    /// `2013-09-23T13:37:00.880302` (Nova `launched_at`, usage).
    public static func micros(_ date: Date) -> String { format(date, fraction: true, zulu: false) }
}


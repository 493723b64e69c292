import Foundation

/// The date formats the OpenStack APIs use.
public enum Timestamps {
    private static func format(_ date: Date, fraction: Bool, zulu: Bool) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                          Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        if fraction {
            let micros = Int((date.timeIntervalSince1970 - Double(t)) * 1_000_000)
            text += String(format: ".%06d", min(max(micros, 0), 999_999))
        }
        return zulu ? text + "Z" : text
    }

    /// `2013-09-03T04:01:32Z` (Nova `created`/`updated`, Glance).
    public static func seconds(_ date: Date) -> String { format(date, fraction: false, zulu: true) }
    /// `2015-11-07T02:58:43.578887Z` (Keystone).
    public static func microsZulu(_ date: Date) -> String { format(date, fraction: true, zulu: true) }
    /// `2013-09-23T13:37:00.880302` (Nova `launched_at`, usage).
    public static func micros(_ date: Date) -> String { format(date, fraction: true, zulu: false) }
}

#if canImport(Glibc)
import Glibc
#endif

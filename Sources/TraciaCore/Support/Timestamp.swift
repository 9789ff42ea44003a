import Glibc

/// Wall-clock times, for the expiry times credential services write as ISO 8601 text.
enum Timestamp {
    /// Milliseconds since the Unix epoch, now.
    static func nowEpochMS() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// `2026-12-02T12:00:00Z`, with optional fractional seconds and a `Z`, `±HH:MM` or `±HHMM`
    /// offset (AWS services write `Z`; botocore's parser takes the others too). Nil when malformed.
    static func epochMS(iso8601 text: String) -> Int64? {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count else { return nil }
            var v = 0
            for i in at..<(at + n) {
                guard 48...57 ~= b[i] else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 19, let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45, let day = digits(8, 2),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 32, let hour = digits(11, 2), b[13] == 58,
            let minute = digits(14, 2), b[16] == 58, let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var millis = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 100
            let start = i
            while i < b.count, 48...57 ~= b[i] {
                millis += Int(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            if i == start { return nil }
        }
        var offsetSeconds = 0
        guard i < b.count else { return nil }  // a time without a zone is ambiguous
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign = b[i] == UInt8(ascii: "+") ? 1 : -1
            guard let h = digits(i + 1, 2) else { return nil }
            let colon = i + 3 < b.count && b[i + 3] == 58
            guard let m = digits(i + (colon ? 4 : 3), 2), h < 24, m < 60 else { return nil }
            offsetSeconds = sign * (h * 3600 + m * 60)
            i += colon ? 6 : 5
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = Int64(timegm(&parts)) - Int64(offsetSeconds)
        return seconds * 1000 + Int64(millis)
    }

    /// The monotonic `Clock.nowMS()` time at which a wall-clock instant comes.
    static func monotonicMS(atEpochMS epochMS: Int64) -> Int64 {
        Clock.nowMS().saturatingAdding(epochMS.saturatingSubtracting(nowEpochMS()))
    }
}

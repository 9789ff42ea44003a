/// What a server says about retrying: a wait before the next attempt and an explicit
/// yes or no. Read from response header lines and, for some providers, the error body.
/// Hostile values never trap: what is not a positive finite number gives no wait, and a
/// huge one saturates (the retry policy caps it).
struct RetryHints: Equatable, Sendable {
    /// The wait the server asks for, in milliseconds.
    var retryAfterMS: Int64?
    /// `x-should-retry`: the server overrides the usual choice by status.
    var shouldRetry: Bool?

    init(retryAfterMS: Int64? = nil, shouldRetry: Bool? = nil) {
        self.retryAfterMS = retryAfterMS
        self.shouldRetry = shouldRetry
    }

    /// Takes one response header line (`Name: value`, maybe ending in CRLF). Names are
    /// case-insensitive. `retry-after` counts only while no `retry-after-ms` was seen.
    /// `retry-after` given as an HTTP date is not a number and gives no wait.
    mutating func take(headerLine line: String) {
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingSpaces
        switch name {
        case "retry-after-ms":
            if let ms = Self.milliseconds(fromMilliseconds: value) { retryAfterMS = ms }
        case "retry-after":
            if retryAfterMS == nil, let ms = Self.milliseconds(fromSeconds: value) { retryAfterMS = ms }
        case "x-amz-retry-after":
            if let ms = Self.milliseconds(fromMilliseconds: value) { retryAfterMS = ms }
        case "x-should-retry":
            switch value.lowercased() {
            case "true": shouldRetry = true
            case "false": shouldRetry = false
            default: break
            }
        default:
            break
        }
    }

    /// A count of milliseconds ("1500", "0.5").
    static func milliseconds(fromMilliseconds text: some StringProtocol) -> Int64? {
        guard let value = Double(text.trimmingSpaces) else { return nil }
        return positiveMilliseconds(value, perUnit: 1)
    }

    /// A count of seconds ("2", "0.05").
    static func milliseconds(fromSeconds text: some StringProtocol) -> Int64? {
        guard let value = Double(text.trimmingSpaces) else { return nil }
        return positiveMilliseconds(value, perUnit: 1000)
    }

    /// A protobuf JSON duration: seconds with an "s" suffix ("37s", "0.05s"), as in Google's RetryInfo.
    static func milliseconds(fromDuration text: some StringProtocol) -> Int64? {
        let trimmed = text.trimmingSpaces
        guard trimmed.hasSuffix("s") else { return nil }
        return milliseconds(fromSeconds: trimmed.dropLast())
    }

    /// Whole milliseconds of a positive finite count of units, saturated at Int64.max; nil otherwise.
    private static func positiveMilliseconds(_ count: Double, perUnit: Double) -> Int64? {
        guard count.isFinite, count > 0 else { return nil }
        let ms = count * perUnit
        // Double(Int64.max) rounds up to 2^63, so anything below it converts without trapping;
        // a product that overflowed to infinity saturates too.
        return ms < Double(Int64.max) ? Int64(ms) : .max
    }
}

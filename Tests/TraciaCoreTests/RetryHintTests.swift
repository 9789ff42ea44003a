import Testing

@testable import TraciaCore

private func hints(_ lines: [String]) -> RetryHints {
    var h = RetryHints()
    for line in lines { h.take(headerLine: line) }
    return h
}

@Test(arguments: [
    (["Retry-After-Ms: 1500\r\n"], RetryHints(retryAfterMS: 1500)),
    (["retry-after-ms:250"], RetryHints(retryAfterMS: 250)),
    (["RETRY-AFTER-MS:  0.9 \r\n"], RetryHints(retryAfterMS: 0)),
    (["Retry-After: 2\r\n"], RetryHints(retryAfterMS: 2000)),
    (["retry-after: 0.05"], RetryHints(retryAfterMS: 50)),
    (["X-Amz-Retry-After: 300\r\n"], RetryHints(retryAfterMS: 300)),
    (["x-should-retry: true\r\n"], RetryHints(shouldRetry: true)),
    (["X-Should-Retry: False\r\n"], RetryHints(shouldRetry: false)),
    (["x-should-retry: maybe\r\n"], RetryHints()),
    (["x-should-retry:\r\n"], RetryHints()),
    // An HTTP date is not a number of seconds: no wait from it, the backoff applies.
    (["Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n"], RetryHints()),
    (["Retry-After: 0\r\n"], RetryHints()),
    (["Content-Type: application/json\r\n", "retry-after-ms 5\r\n", "\r\n"], RetryHints()),
    (["x-retry-after: 5\r\n", "retry-afterx: 5"], RetryHints()),
    // retry-after counts only without retry-after-ms, in either order.
    (["retry-after-ms: 1500", "retry-after: 7"], RetryHints(retryAfterMS: 1500)),
    (["retry-after: 7", "retry-after-ms: 1500"], RetryHints(retryAfterMS: 1500)),
    (["retry-after-ms: garbage", "retry-after: 7"], RetryHints(retryAfterMS: 7000)),
    (["Retry-After: 3", "X-Should-Retry: true"], RetryHints(retryAfterMS: 3000, shouldRetry: true)),
])
func headerHints(lines: [String], expected: RetryHints) {
    #expect(hints(lines) == expected)
}

/// Values a hostile or broken server may send. None traps; non-finite, negative, zero or
/// unparsable give no wait; huge finite ones saturate (the policy's 60 s cap then applies).
/// "1e400" overflows a Double to infinity, so it reads like "inf".
private let hostile: [(text: String, ms: Int64?, seconds: Int64?)] = [
    ("inf", nil, nil),
    ("-inf", nil, nil),
    ("infinity", nil, nil),
    ("nan", nil, nil),
    ("-nan", nil, nil),
    ("1e30", .max, .max),
    ("1e400", nil, nil),
    ("1e306", .max, .max),
    ("1e-400", nil, nil),
    ("99999999999999999999", .max, .max),
    ("9223372036854775807", .max, .max),
    ("4611686018427387904", 4_611_686_018_427_387_904, .max),
    ("-5", nil, nil),
    ("-0", nil, nil),
    ("", nil, nil),
    ("   ", nil, nil),
    ("garbage", nil, nil),
    ("5garbage", nil, nil),
    ("1_000", nil, nil),
    ("\u{0}", nil, nil),
    ("12\r\n", 12, 12_000),
]

@Test(arguments: hostile)
func hostileValuesNeverTrap(text: String, ms: Int64?, seconds: Int64?) {
    #expect(RetryHints.milliseconds(fromMilliseconds: text) == ms)
    #expect(RetryHints.milliseconds(fromSeconds: text) == seconds)
    #expect(RetryHints.milliseconds(fromDuration: text + "s") == seconds)
    #expect(hints(["retry-after-ms: \(text)\r\n"]).retryAfterMS == ms)
    #expect(hints(["x-amz-retry-after: \(text)\r\n"]).retryAfterMS == ms)
    #expect(hints(["Retry-After: \(text)\r\n"]).retryAfterMS == seconds)
}

@Test(arguments: [
    ("37s", 37_000 as Int64?),
    ("0.05s", 50),
    ("1.5s", 1500),
    ("37", nil),
    ("s", nil),
    ("37ms", nil),
    ("-3s", nil),
    ("infs", nil),
    ("1e30s", .max),
])
func durationHints(text: String, expected: Int64?) {
    #expect(RetryHints.milliseconds(fromDuration: text) == expected)
}

@Test func geminiReadsRetryDelayThroughTheSharedParser() {
    let adapter = GeminiAdapter()
    func body(_ delay: String) -> [UInt8] {
        Array(
            #"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"@type":"x"},{"retryDelay":"\#(delay)"}]}}"#.utf8)
    }
    #expect(adapter.retryAfterMS(status: 429, body: body("37s")) == 37_000)
    #expect(adapter.retryAfterMS(status: 429, body: body("1e400s")) == nil)
    #expect(adapter.retryAfterMS(status: 429, body: body("99999999999999999999s")) == .max)
    #expect(adapter.retryAfterMS(status: 429, body: body("-1s")) == nil)
    #expect(adapter.retryAfterMS(status: 429, body: body("nans")) == nil)
    #expect(adapter.retryAfterMS(status: 429, body: Array("not json".utf8)) == nil)
}

@Test func aStatusLineStartsAFreshSetOfHints() {
    var attempt = Attempt(decoder: JSONBodyDecoder<GeminiBody>(limit: 1 << 20))
    attempt.take(headerLine: "HTTP/1.1 100 Continue\r\n")
    attempt.take(headerLine: "Retry-After: 9\r\n")
    attempt.take(headerLine: "x-should-retry: false\r\n")
    attempt.take(headerLine: "HTTP/2 429\r\n")
    attempt.take(headerLine: "retry-after-ms: 120\r\n")
    #expect(attempt.status == 429)
    #expect(attempt.hints == RetryHints(retryAfterMS: 120))
    #expect(attempt.outcome(transportFailure: nil) == AttemptOutcome(status: 429, hints: RetryHints(retryAfterMS: 120)))
}

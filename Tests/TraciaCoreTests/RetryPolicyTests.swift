import Testing

@testable import TraciaCore

/// One decision of the policy: what the attempt ended with and what the policy must answer.
struct RetryCase: Sendable, CustomTestStringConvertible {
    var name: String
    var policy = RetryPolicy.providerCalls(maxRetries: 2)
    var outcome: AttemptOutcome
    var retriesSoFar = 0
    var remainingMS: Int64? = 120_000
    var jitterFraction = 0.0
    var expected: RetryDecision

    var testDescription: String { name }
}

private func status(_ code: Int, hints: RetryHints = RetryHints(), bodyStarted: Bool = false) -> AttemptOutcome {
    AttemptOutcome(status: code, transportFailure: nil, hints: hints, bodyStarted: bodyStarted)
}

private func transport(_ failure: TransportFailure, status: Int? = nil, bodyStarted: Bool = false) -> AttemptOutcome {
    AttemptOutcome(status: status, transportFailure: failure, bodyStarted: bodyStarted)
}

private let spans = RetryPolicy.spanExport(maxAttempts: 3, retryBaseMS: 500)

private let providerCases: [RetryCase] =
    [408, 409, 429, 500, 502, 503, 504, 529, 599].map {
        RetryCase(name: "status \($0) is retried", outcome: status($0), expected: .retry(afterMS: 500))
    }
    + [400, 401, 403, 404, 413, 422, 499].map {
        RetryCase(name: "status \($0) is not retried", outcome: status($0), expected: .fail)
    }
    + [
        RetryCase(
            name: "x-should-retry true retries a 400", outcome: status(400, hints: RetryHints(shouldRetry: true)),
            expected: .retry(afterMS: 500)),
        RetryCase(
            name: "x-should-retry false stops a 503", outcome: status(503, hints: RetryHints(shouldRetry: false)),
            expected: .fail),
        RetryCase(
            name: "x-should-retry true does not override the first-byte rule",
            outcome: status(400, hints: RetryHints(shouldRetry: true), bodyStarted: true), expected: .fail),
        RetryCase(name: "no status and no transport failure", outcome: AttemptOutcome(), expected: .fail),
    ]
    + [TransportFailure.connectFailed, .timedOut, .gotNothing, .sendFailed, .receiveFailed, .tlsConnectFailed].flatMap {
        [
            RetryCase(name: "\($0) before any response is retried", outcome: transport($0), expected: .retry(afterMS: 500)),
            RetryCase(name: "\($0) after the first byte is not", outcome: transport($0, bodyStarted: true), expected: .fail),
            RetryCase(name: "\($0) after a status line is not", outcome: transport($0, status: 200), expected: .fail),
        ]
    }
    + [
        // first_chunk_timeout_ms: whatever came before reached no caller.
        RetryCase(
            name: "no content in time after a 200 is retried", outcome: transport(.noContentInTime, status: 200),
            expected: .retry(afterMS: 500)),
        RetryCase(
            name: "no content in time before any response is retried", outcome: transport(.noContentInTime),
            expected: .retry(afterMS: 500)),
        RetryCase(
            name: "no content in time within the retries only", outcome: transport(.noContentInTime, status: 200), retriesSoFar: 2,
            expected: .fail),
        RetryCase(name: "other transport failures are not retried", outcome: transport(.other), expected: .fail),
        RetryCase(name: "a 5xx with body started is not retried", outcome: status(500, bodyStarted: true), expected: .fail),
        // Attempt limit.
        RetryCase(name: "second retry", outcome: status(500), retriesSoFar: 1, expected: .retry(afterMS: 1000)),
        RetryCase(name: "retries used up", outcome: status(500), retriesSoFar: 2, expected: .fail),
        RetryCase(name: "max_retries 0", policy: .providerCalls(maxRetries: 0), outcome: status(500), expected: .fail),
        RetryCase(
            name: "max_retries 10, tenth retry", policy: .providerCalls(maxRetries: 10), outcome: status(500),
            retriesSoFar: 9, expected: .retry(afterMS: 8000)),
        // Server-given waits.
        RetryCase(
            name: "server wait is used", outcome: status(429, hints: RetryHints(retryAfterMS: 1500)),
            expected: .retry(afterMS: 1500)),
        RetryCase(
            name: "server wait of 60 s is kept", outcome: status(429, hints: RetryHints(retryAfterMS: 60_000)),
            expected: .retry(afterMS: 60_000)),
        RetryCase(
            name: "server wait is capped at 60 s", outcome: status(429, hints: RetryHints(retryAfterMS: 3_600_000)),
            expected: .retry(afterMS: 60_000)),
        RetryCase(
            name: "saturated server wait is capped", outcome: status(503, hints: RetryHints(retryAfterMS: .max)),
            expected: .retry(afterMS: 60_000)),
        RetryCase(
            name: "a negative wait from an adapter is no wait", outcome: status(503, hints: RetryHints(retryAfterMS: -5)),
            expected: .retry(afterMS: 0)),
        RetryCase(
            name: "server wait replaces the jittered backoff", outcome: status(429, hints: RetryHints(retryAfterMS: 10)),
            retriesSoFar: 1, jitterFraction: 0.9, expected: .retry(afterMS: 10)),
        // The total deadline.
        RetryCase(name: "wait reaching the deadline", outcome: status(500), remainingMS: 500, expected: .fail),
        RetryCase(name: "wait just before the deadline", outcome: status(500), remainingMS: 501, expected: .retry(afterMS: 500)),
        RetryCase(name: "deadline already passed", outcome: status(500), remainingMS: -1, expected: .fail),
        RetryCase(
            name: "server wait past the deadline", outcome: status(429, hints: RetryHints(retryAfterMS: 90_000)),
            remainingMS: 30_000, expected: .fail),
        RetryCase(
            name: "no deadline", outcome: status(429, hints: RetryHints(retryAfterMS: 90_000)), remainingMS: nil,
            expected: .retry(afterMS: 60_000)),
        // Jitter takes up to 25% off.
        RetryCase(name: "half the jitter", outcome: status(500), jitterFraction: 0.5, expected: .retry(afterMS: 437)),
        RetryCase(name: "full jitter", outcome: status(500), jitterFraction: 1, expected: .retry(afterMS: 375)),
        RetryCase(
            name: "an out-of-range fraction is clamped", outcome: status(500), jitterFraction: 7, expected: .retry(afterMS: 375)
        ),
        RetryCase(
            name: "a NaN fraction means no jitter", outcome: status(500), jitterFraction: .nan, expected: .retry(afterMS: 500)),
    ]

private let spanCases: [RetryCase] = [
    RetryCase(name: "span: a 400 is retried", policy: spans, outcome: status(400), expected: .retry(afterMS: 500)),
    RetryCase(name: "span: a 401 is retried", policy: spans, outcome: status(401), expected: .retry(afterMS: 500)),
    RetryCase(name: "span: a 503 is retried", policy: spans, outcome: status(503), expected: .retry(afterMS: 500)),
    RetryCase(name: "span: any transport failure", policy: spans, outcome: transport(.other), expected: .retry(afterMS: 500)),
    RetryCase(
        name: "span: a drop after the status line", policy: spans, outcome: transport(.receiveFailed, status: 200),
        expected: .retry(afterMS: 500)),
    RetryCase(
        name: "span: linear second wait", policy: spans, outcome: status(500), retriesSoFar: 1, expected: .retry(afterMS: 1000)
    ),
    RetryCase(name: "span: third attempt was the last", policy: spans, outcome: status(500), retriesSoFar: 2, expected: .fail),
    RetryCase(
        name: "span: one attempt in all", policy: .spanExport(maxAttempts: 1, retryBaseMS: 500), outcome: status(500),
        expected: .fail),
    RetryCase(
        name: "span: a zero base retries at once", policy: .spanExport(maxAttempts: 3, retryBaseMS: 0), outcome: status(500),
        expected: .retry(afterMS: 0)),
    RetryCase(
        name: "span: server waits are ignored", policy: spans,
        outcome: status(429, hints: RetryHints(retryAfterMS: 30_000, shouldRetry: false)), expected: .retry(afterMS: 500)),
    RetryCase(
        name: "span: no jitter", policy: spans, outcome: status(500), remainingMS: nil, jitterFraction: 0.99,
        expected: .retry(afterMS: 500)),
]

@Test(arguments: providerCases + spanCases)
func retryDecision(_ c: RetryCase) {
    let decision = c.policy.decide(
        c.outcome, retriesSoFar: c.retriesSoFar, remainingMS: c.remainingMS, jitterFraction: c.jitterFraction)
    #expect(decision == c.expected)
}

@Test func retryOnlyBeforeTheFirstByte() {
    #expect(RetryPolicy.mayRetry(bodyStarted: false))
    #expect(!RetryPolicy.mayRetry(bodyStarted: true))
}

private let fullWaits: [(Int, Int64)] = [
    (0, 500), (1, 1000), (2, 2000), (3, 4000), (4, 8000), (5, 8000), (62, 8000), (64, 8000), (Int.max, 8000), (-1, 500),
]

@Test(arguments: fullWaits)
func exponentialBackoffWithoutJitter(retriesSoFar: Int, expected: Int64) {
    #expect(RetryPolicy.providerCalls(maxRetries: 2).backoffMS(retriesSoFar: retriesSoFar, jitterFraction: 0) == expected)
}

@Test func jitterStaysWithinAQuarterBelowTheFullWait() {
    let policy = RetryPolicy.providerCalls(maxRetries: 2)
    for n in 0..<8 {
        let full = policy.backoffMS(retriesSoFar: n, jitterFraction: 0)
        var seen = Set<Int64>()
        for step in 0..<1000 {
            let wait = policy.backoffMS(retriesSoFar: n, jitterFraction: Double(step) / 1000)
            #expect(wait <= full && wait > full * 3 / 4 - 1, "retry \(n): \(wait) of \(full)")
            seen.insert(wait)
        }
        #expect(seen.count > 100, "the jitter spreads the waits")
    }
}

@Test func linearBackoffSaturates() {
    let policy = RetryPolicy.spanExport(maxAttempts: 20, retryBaseMS: .max / 2)
    #expect(policy.backoffMS(retriesSoFar: 0, jitterFraction: 0) == .max / 2)
    #expect(policy.backoffMS(retriesSoFar: 5, jitterFraction: 0) == .max)
}

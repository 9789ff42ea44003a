/// How a transfer failed below HTTP, in the terms the retry decision needs; `Curl` maps
/// its codes onto these so the policy stays free of curl.
enum TransportFailure: Equatable, Sendable {
    case connectFailed
    case timedOut
    case gotNothing
    case sendFailed
    case receiveFailed
    case tlsConnectFailed
    /// No content within first_chunk_timeout_ms: whatever came (headers, keep-alives, usage)
    /// reached no caller, so another attempt is as safe as the first.
    case noContentInTime
    /// Anything else: a dropped stream, a refused certificate, a local error.
    case other

    /// Failures that leave the server with nothing to answer yet, so another attempt is safe.
    var isTransient: Bool { self != .other }
}

/// What one attempt ended with, as the retry decision sees it.
struct AttemptOutcome: Equatable, Sendable {
    /// The HTTP status, when a status line arrived.
    var status: Int?
    /// Set when the transfer itself failed.
    var transportFailure: TransportFailure?
    var hints = RetryHints()
    /// Whether response body bytes already reached the caller.
    var bodyStarted = false
}

enum RetryDecision: Equatable, Sendable {
    case retry(afterMS: Int64)
    case fail
}

/// Whether and when to try again after a failed attempt. A pure value: the caller passes in
/// the time left and the jitter fraction, so every decision is reproducible.
struct RetryPolicy: Equatable, Sendable {
    enum Backoff: Equatable, Sendable {
        /// min(base·2^n, cap) for the n-th retry, less up to `jitter` (a fraction) of it.
        case exponential(baseMS: Int64, capMS: Int64, jitter: Double)
        /// base·(n+1) for the n-th retry.
        case linear(baseMS: Int64)
    }

    enum Eligibility: Equatable, Sendable {
        /// Provider calls: the statuses that mean "try later" (or the server's `x-should-retry`),
        /// and transport failures that happened before any response.
        case transientFailures
        /// Span posts: every failure, whatever the status or transport error.
        case everyFailure
        /// Tracia API calls: as `transientFailures`, but a 409 is an answer (CONFLICT).
        case apiAnswers
    }

    var maxRetries: Int
    var backoff: Backoff
    var eligibility: Eligibility
    /// The longest server-given wait honoured; nil ignores server waits.
    var serverWaitCapMS: Int64?

    /// Provider calls, as the official SDKs do: min(0.5 s·2^n, 8 s) less up to 25% jitter,
    /// a server-given wait capped at 60 s.
    static func providerCalls(maxRetries: Int) -> RetryPolicy {
        RetryPolicy(
            maxRetries: maxRetries, backoff: .exponential(baseMS: 500, capMS: 8000, jitter: 0.25),
            eligibility: .transientFailures, serverWaitCapMS: 60_000)
    }

    /// Calls of the Tracia REST API: the provider calls' backoff, but a 409 is the API's
    /// answer (the slug is taken), not a reason to try again.
    static func apiCalls(maxRetries: Int) -> RetryPolicy {
        var policy = providerCalls(maxRetries: maxRetries)
        policy.eligibility = .apiAnswers
        return policy
    }

    /// Span posts: `maxAttempts` attempts in all, waiting base·n after the n-th failure.
    static func spanExport(maxAttempts: Int, retryBaseMS: Int64) -> RetryPolicy {
        RetryPolicy(
            maxRetries: max(0, maxAttempts - 1), backoff: .linear(baseMS: retryBaseMS), eligibility: .everyFailure,
            serverWaitCapMS: nil)
    }

    /// Statuses that mean "try later": timeout, conflict, rate limit, server errors.
    static func isRetryable(status: Int) -> Bool { [408, 409, 429].contains(status) || status >= 500 }

    /// Retry only before the first byte: once body bytes reached the caller, another attempt
    /// would hand them over twice.
    static func mayRetry(bodyStarted: Bool) -> Bool { !bodyStarted }

    /// The decision after a failed attempt.
    /// - Parameters:
    ///   - retriesSoFar: retries already made (0 after the first attempt).
    ///   - remainingMS: time left before the total deadline; nil when there is none. No retry
    ///     starts whose wait would reach it.
    ///   - jitterFraction: a value in [0, 1), normally random; the share of the jitter applied.
    func decide(_ outcome: AttemptOutcome, retriesSoFar: Int, remainingMS: Int64?, jitterFraction: Double) -> RetryDecision {
        guard isEligible(outcome), Self.mayRetry(bodyStarted: outcome.bodyStarted), retriesSoFar < maxRetries else {
            return .fail
        }
        let wait: Int64
        if let cap = serverWaitCapMS, let asked = outcome.hints.retryAfterMS {
            wait = min(max(asked, 0), cap)
        } else {
            wait = backoffMS(retriesSoFar: retriesSoFar, jitterFraction: jitterFraction)
        }
        if let remainingMS, wait >= remainingMS { return .fail }
        return .retry(afterMS: wait)
    }

    private func isEligible(_ outcome: AttemptOutcome) -> Bool {
        switch eligibility {
        case .everyFailure:
            return true
        case .transientFailures, .apiAnswers:
            if let failure = outcome.transportFailure {
                // A status line means the server answered; what broke after it is not transient,
                // unless the answer never began.
                return (outcome.status == nil || failure == .noContentInTime) && failure.isTransient
            }
            guard let status = outcome.status else { return false }
            if eligibility == .apiAnswers && status == 409 { return false }
            return outcome.hints.shouldRetry ?? Self.isRetryable(status: status)
        }
    }

    /// The wait before retry number `retriesSoFar + 1`, in milliseconds.
    func backoffMS(retriesSoFar n: Int, jitterFraction: Double) -> Int64 {
        let retry = max(n, 0)
        switch backoff {
        case .exponential(let base, let cap, let jitter):
            // 2^30 times any base already passes any cap worth having; the bound keeps the shift defined.
            let full = min(Double(base) * Double(1 << min(retry, 30)), Double(cap))
            let fraction = jitterFraction.isFinite ? min(max(jitterFraction, 0), 1) : 0
            return Self.saturated(full * (1 - min(max(jitter, 0), 1) * fraction))
        case .linear(let base):
            let (product, overflow) = base.multipliedReportingOverflow(by: Int64(retry) + 1)
            return overflow ? .max : max(product, 0)
        }
    }

    private static func saturated(_ ms: Double) -> Int64 {
        guard ms.isFinite, ms > 0 else { return 0 }
        return ms < Double(Int64.max) ? Int64(ms) : .max
    }
}

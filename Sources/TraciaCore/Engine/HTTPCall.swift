internal import CCurl
import Glibc

/// A provider call over HTTP: attempts with retries before the first response byte,
/// status and headers, body bytes into the provider's decoder, deadlines.
final class HTTPCall: EngineTask, CurlOwner {
    let stream: CallStream
    private let adapter: any ProviderAdapter
    /// Set once the request is built: at once, or when the credential it needs came.
    private var body = BodyBuffer([])
    private var url = ""
    private var headers: UnsafeMutablePointer<curl_slist>?
    /// Where the call's credential comes from, when it takes I/O to obtain; nil: the call's
    /// own key or keys are enough.
    private let credentialSource: (any CredentialSource)?
    private var credential: Credential?
    /// Whether the provider refused a fetched credential once already.
    private var refusedCredential = false
    private let totalDeadline: Int64
    private let policy: RetryPolicy

    private var easy: UnsafeMutableRawPointer?
    private var attempt: Attempt
    /// When the attempt fails unless content came (first_chunk_timeout_ms); .max without one.
    private var firstChunkDeadline = Int64.max
    private var retries = 0
    private weak var engine: Engine?
    /// Body bytes decoded in the engine's turn `turn`.
    private var turnBytes = 0
    private var turn = 0

    /// How much of a response one turn decodes before the other transfers get theirs: the
    /// cost of a byte depends on what it encodes (tens of thousands of tool calls in 3 MB), and
    /// curl hands over all it can read at once. Also the size of curl's reads, so that a turn
    /// is one read: 4 KB of the densest tool calls take about a millisecond to decode.
    static let turnShareBytes = 4 * 1024

    init(stream: CallStream, adapter: any ProviderAdapter) throws(TraciaError) {
        self.stream = stream
        self.adapter = adapter
        credentialSource = adapter.credentialSource(for: stream.call)
        attempt = Attempt(decoder: adapter.decoder(for: stream.call))
        totalDeadline = Clock.nowMS().saturatingAdding(Int64(stream.call.timeoutMS))
        policy = .providerCalls(maxRetries: stream.call.maxRetries)
        if credentialSource == nil { try build(stream.call) }
    }

    deinit { curl_slist_free_all(headers) }

    func start(on engine: Engine) {
        self.engine = engine
        guard credentialSource != nil else { return startAttempt(on: engine) }
        obtainCredential(on: engine)
    }

    private func build(_ call: ResolvedCall) throws(TraciaError) {
        var request = try adapter.httpRequest(for: call)
        if let taken = CustomHeader.conflict(call.headers, with: request.headers) {
            throw TraciaError(
                .invalidRequest,
                "custom header '\(taken.name)' is one the library sets for \(call.provider.rawValue) calls; custom headers add to a request and never replace its own"
            )
        }
        request.headers += call.headers.map(\.line)
        url = request.url
        body = BodyBuffer(request.body)
        curl_slist_free_all(headers)
        headers = Curl.headerList(request.headers)
    }

    /// The credential from the client's cache or a fetch, then the request with it, then the
    /// first attempt. The total deadline runs meanwhile.
    private func obtainCredential(on engine: Engine) {
        guard let credentialSource else { return }
        engine.credentials.credential(from: credentialSource) { [self] result in
            guard stream.isLive else { return engine.taskEnded(self) }
            do throws(TraciaError) {
                let credential = try result.get()
                self.credential = credential
                var call = stream.call
                call.credential = credential
                try build(call)
                startAttempt(on: engine)
            } catch {
                finish(error, on: engine)
            }
        }
    }

    func cancel(on engine: Engine) {
        if let easy { engine.remove(easy) }
        easy = nil
    }

    func resume(on engine: Engine) {
        guard let easy else { return }
        attempt.idleDeadline = idleDeadlineFromNow
        engine.noteDeadline(attempt.idleDeadline)
        _ = tracia_easy_unpause(easy)
    }

    func checkDeadlines(now: Int64, on engine: Engine) -> Int64 {
        if now >= totalDeadline {
            finish(TraciaError(.timeout, "the call timed out after \(stream.call.timeoutMS) ms"), on: engine)
            return .max
        }
        guard easy != nil else { return totalDeadline }
        if now >= attempt.idleDeadline {
            finish(TraciaError(.timeout, "no data from the provider for \(stream.call.idleTimeoutMS) ms"), on: engine)
            return .max
        }
        if stream.hasContent { return min(totalDeadline, attempt.idleDeadline) }
        if now >= firstChunkDeadline {
            noContentInTime(on: engine)
            return stream.isLive ? totalDeadline : .max
        }
        return min(totalDeadline, attempt.idleDeadline, firstChunkDeadline)
    }

    /// Keep-alives, headers or usage came, but no content: the attempt ends, and the policy
    /// decides on another one, as for a failure before the response.
    private func noContentInTime(on engine: Engine) {
        if let easy { engine.remove(easy) }
        easy = nil
        var outcome = attempt.outcome(transportFailure: .noContentInTime)
        // Body bytes reached the decoder, none the caller.
        outcome.bodyStarted = false
        retryOrFinish(stream.call.noContentInTime, outcome, on: engine)
    }

    private func startAttempt(on engine: Engine) {
        guard stream.isLive else { return }
        attempt = Attempt(decoder: adapter.decoder(for: stream.call))
        if let ms = stream.call.firstChunkTimeoutMS {
            firstChunkDeadline = Clock.nowMS().saturatingAdding(Int64(ms))
            engine.noteDeadline(firstChunkDeadline)
        }
        guard let handle = curl_easy_init() else { return finish(TraciaError(.unknown, "curl_easy_init failed"), on: engine) }
        do throws(TraciaError) {
            try setUp(handle)
            try engine.add(handle, owner: self)
        } catch {
            curl_easy_cleanup(handle)
            return finish(error, on: engine)
        }
        easy = handle
    }

    private func setUp(_ handle: UnsafeMutableRawPointer) throws(TraciaError) {
        let setup = try Curl.configure(
            handle, url: url, body: body.bytes, headers: headers, connectTimeoutMS: stream.call.connectTimeoutMS,
            caFile: stream.call.caFile)
        try setup.set(CURLOPT_BUFFERSIZE, Self.turnShareBytes)
        let me = Unmanaged.passUnretained(self).toOpaque()
        try setup.set(
            CURLOPT_WRITEFUNCTION,
            function: { data, size, count, user in
                Unmanaged<HTTPCall>.fromOpaque(user!).takeUnretainedValue().received(data, size * count)
            })
        try setup.set(CURLOPT_WRITEDATA, pointer: me)
        try setup.set(
            CURLOPT_HEADERFUNCTION,
            function: { data, size, count, user in
                Unmanaged<HTTPCall>.fromOpaque(user!).takeUnretainedValue().header(data, size * count)
            })
        try setup.set(CURLOPT_HEADERDATA, pointer: me)
    }

    /// Silence from now on longer than the idle timeout ends the call.
    private var idleDeadlineFromNow: Int64 { Clock.nowMS().saturatingAdding(Int64(stream.call.idleTimeoutMS)) }

    private func header(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        let first = attempt.idleDeadline == .max
        attempt.idleDeadline = idleDeadlineFromNow
        if first { engine?.noteDeadline(attempt.idleDeadline) }
        guard let data else { return count }
        attempt.take(headerLine: String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self))
        return count
    }

    private func received(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard stream.isLive else { return tracia_curl_writefunc_error() }
        attempt.idleDeadline = idleDeadlineFromNow
        let bytes = UnsafeRawBufferPointer(start: data, count: count)
        if attempt.status == 0, let easy {
            var code = 0
            _ = tracia_easy_get_long(easy, CURLINFO_RESPONSE_CODE, &code)
            attempt.status = code
        }
        if attempt.succeeded && (stream.pauseIfBehind() || usedTurnShare()) {
            // curl keeps these bytes and hands them over again on resume. The silence is ours,
            // so the idle timeout waits too.
            attempt.idleDeadline = .max
            return tracia_curl_writefunc_pause()
        }
        attempt.receivedBytes += count
        turnBytes += count
        if attempt.receivedBytes > stream.call.maxResponseBytes {
            attempt.failure = TraciaError(
                .providerError, "the response exceeded the limit of \(stream.call.maxResponseBytes) bytes")
            return tracia_curl_writefunc_error()
        }
        guard attempt.succeeded else {
            attempt.keepErrorBody(bytes)
            return count
        }
        attempt.bodyStarted = true
        do throws(TraciaError) {
            try attempt.decoder.consume(bytes, into: stream)
        } catch {
            attempt.failure = error
            return tracia_curl_writefunc_error()
        }
        stream.publish()
        return count
    }

    /// Whether this turn's share is used up, in which case the engine resumes the transfer in
    /// its next turn. The share is counted in `received`.
    private func usedTurnShare() -> Bool {
        guard let engine else { return false }
        if engine.turn != turn {
            turn = engine.turn
            turnBytes = 0
        }
        guard turnBytes < Self.turnShareBytes else {
            engine.continueNextTurn(stream)
            return true
        }
        return false
    }

    func transferDone(_ code: CURLcode, on engine: Engine) {
        if let easy { engine.remove(easy) }
        easy = nil
        guard stream.isLive else { return engine.taskEnded(self) }
        if let failure = attempt.failure { return finish(failure, on: engine) }
        let transportFailure = Curl.transportFailure(code)
        let error: TraciaError
        if transportFailure == nil {
            if attempt.succeeded {
                do throws(TraciaError) {
                    try attempt.decoder.finish(into: stream)
                    finish(nil, on: engine)
                } catch {
                    finish(error, on: engine)
                }
                return
            }
            if let credentialSource, let credential, !refusedCredential,
                adapter.refusesCredential(status: attempt.status, body: attempt.errorBody)
            {
                // A token the provider no longer takes (revoked, or the clocks disagree): one
                // more try with a fresh one, as the Google and AWS SDKs do.
                refusedCredential = true
                engine.credentials.invalidate(credential, of: credentialSource)
                return obtainCredential(on: engine)
            }
            error = unauthorizedWithoutKeyHint(adapter.error(status: attempt.status, body: attempt.errorBody))
            if attempt.hints.retryAfterMS == nil {
                attempt.hints.retryAfterMS = adapter.retryAfterMS(status: attempt.status, body: attempt.errorBody)
            }
        } else {
            error = Curl.error(code, url: url)
        }
        retryOrFinish(error, attempt.outcome(transportFailure: transportFailure), on: engine)
    }

    /// A server that answers 401 to a call sent without a key (openai_compatible's may): the
    /// error says where the key goes.
    private func unauthorizedWithoutKeyHint(_ error: TraciaError) -> TraciaError {
        guard attempt.status == 401, stream.call.apiKey == nil, credentialSource == nil else { return error }
        let provider = stream.call.provider.descriptor
        guard !provider.missingKeyHint.isEmpty, !(stream.call.providerSettings?.signsRequests ?? false) else { return error }
        var hinted = error
        hinted.message += " (no API key was sent: set \(provider.missingKeyHint) or pass provider_api_key)"
        return hinted
    }

    private func retryOrFinish(_ error: TraciaError, _ outcome: AttemptOutcome, on engine: Engine) {
        let decision = policy.decide(
            outcome, retriesSoFar: retries, remainingMS: totalDeadline.saturatingSubtracting(Clock.nowMS()),
            jitterFraction: Double.random(in: 0..<1))
        guard case .retry(let delay) = decision else { return finish(error, on: engine) }
        retries += 1
        engine.schedule(afterMS: delay) { [self] in startAttempt(on: engine) }
    }

    private func finish(_ error: TraciaError?, on engine: Engine) {
        if let easy { engine.remove(easy) }
        easy = nil
        var scrubbed = error
        scrubbed?.message = Redaction.scrub(error?.message ?? "", secrets: stream.call.secrets + (credential?.secrets ?? []))
        stream.complete(scrubbed)
        engine.taskEnded(self)
    }
}

import CCurl
import Glibc

/// A provider call over HTTP: attempts with retries before the first response byte,
/// status and headers, body bytes into the provider's decoder, deadlines.
final class HTTPCall: EngineTask, CurlOwner {
    let stream: CallStream
    private let adapter: any ProviderAdapter
    private let body: BodyBuffer
    private let url: String
    private let headers: UnsafeMutablePointer<curl_slist>?
    private let totalDeadline: Int64

    private var easy: UnsafeMutableRawPointer?
    private var decoder: any ResponseDecoder
    private var attempt = 0
    private var status = 0
    private var retryAfterMS: Int64?
    private var shouldRetryHeader: Bool?
    private var errorBody: [UInt8] = []
    private var bodyStarted = false
    private var receivedBytes = 0
    private var idleDeadline = Int64.max
    private var failure: TraciaError?
    private weak var engine: Engine?

    init(stream: CallStream, adapter: any ProviderAdapter) throws(TraciaError) {
        self.stream = stream
        self.adapter = adapter
        let request = try adapter.httpRequest(for: stream.call)
        url = request.url
        body = BodyBuffer(request.body)
        headers = Curl.headerList(request.headers)
        decoder = adapter.decoder(for: stream.call)
        totalDeadline = Clock.nowMS() + Int64(stream.call.timeoutMS)
    }

    deinit { curl_slist_free_all(headers) }

    func start(on engine: Engine) {
        self.engine = engine
        startAttempt(on: engine)
    }

    func cancel(on engine: Engine) {
        if let easy { engine.remove(easy) }
        easy = nil
    }

    func resume(on engine: Engine) {
        guard let easy else { return }
        idleDeadline = Clock.nowMS() + Int64(stream.call.idleTimeoutMS)
        engine.noteDeadline(idleDeadline)
        _ = tracia_easy_unpause(easy)
    }

    func checkDeadlines(now: Int64, on engine: Engine) -> Int64 {
        if now >= totalDeadline {
            finish(TraciaError(.timeout, "the call timed out after \(stream.call.timeoutMS) ms"), on: engine)
            return .max
        }
        if easy != nil && now >= idleDeadline {
            finish(TraciaError(.timeout, "no data from the provider for \(stream.call.idleTimeoutMS) ms"), on: engine)
            return .max
        }
        return easy != nil ? min(totalDeadline, idleDeadline) : totalDeadline
    }

    private func startAttempt(on engine: Engine) {
        guard stream.isLive else { return }
        status = 0
        retryAfterMS = nil
        shouldRetryHeader = nil
        errorBody.removeAll()
        bodyStarted = false
        receivedBytes = 0
        failure = nil
        decoder = adapter.decoder(for: stream.call)
        // Until the response starts only the total deadline applies: a model may think for a
        // long time before its first byte. From then on silence longer than the idle timeout ends it.
        idleDeadline = .max
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

    private func header(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        let first = idleDeadline == .max
        idleDeadline = Clock.nowMS() + Int64(stream.call.idleTimeoutMS)
        if first { engine?.noteDeadline(idleDeadline) }
        guard let data else { return count }
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
        let lower = line.lowercased()
        if lower.hasPrefix("http/") {
            status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            retryAfterMS = nil
            shouldRetryHeader = nil
        } else if let value = Self.value(of: "retry-after-ms", in: lower), let ms = Double(value), ms > 0 {
            retryAfterMS = Int64(ms)
        } else if let value = Self.value(of: "retry-after", in: lower), retryAfterMS == nil, let s = Double(value), s > 0 {
            retryAfterMS = Int64(s * 1000)
        } else if let value = Self.value(of: "x-amz-retry-after", in: lower), let ms = Double(value), ms > 0 {
            retryAfterMS = Int64(ms)
        } else if let value = Self.value(of: "x-should-retry", in: lower) {
            shouldRetryHeader = value == "true"
        }
        return count
    }

    private static func value(of name: String, in lowerLine: String) -> String? {
        guard lowerLine.hasPrefix(name + ":") else { return nil }
        return String(lowerLine.dropFirst(name.count + 1).trimmingSpaces)
    }

    private func received(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard stream.isLive else { return tracia_curl_writefunc_error() }
        idleDeadline = Clock.nowMS() + Int64(stream.call.idleTimeoutMS)
        let bytes = UnsafeRawBufferPointer(start: data, count: count)
        if status == 0, let easy {
            var code = 0
            _ = tracia_easy_get_long(easy, CURLINFO_RESPONSE_CODE, &code)
            status = code
        }
        if (200..<300).contains(status) && stream.pauseIfBehind() {
            // curl keeps these bytes and hands them over again on resume. The silence is ours,
            // so the idle timeout waits too.
            idleDeadline = .max
            return tracia_curl_writefunc_pause()
        }
        receivedBytes += count
        if receivedBytes > stream.call.maxResponseBytes {
            failure = TraciaError(.providerError, "the response exceeded the limit of \(stream.call.maxResponseBytes) bytes")
            return tracia_curl_writefunc_error()
        }
        guard (200..<300).contains(status) else {
            if errorBody.count < 65536 { errorBody.append(contentsOf: bytes.prefix(65536 - errorBody.count)) }
            return count
        }
        bodyStarted = true
        do throws(TraciaError) {
            try decoder.consume(bytes, into: stream)
        } catch {
            failure = error
            return tracia_curl_writefunc_error()
        }
        stream.publish()
        return count
    }

    func transferDone(_ code: CURLcode, on engine: Engine) {
        if let easy { engine.remove(easy) }
        easy = nil
        guard stream.isLive else { return engine.taskEnded(self) }
        if let failure { return finish(failure, on: engine) }
        if code == CURLE_OK {
            if (200..<300).contains(status) {
                do throws(TraciaError) {
                    try decoder.finish(into: stream)
                    finish(nil, on: engine)
                } catch {
                    finish(error, on: engine)
                }
                return
            }
            let error = adapter.error(status: status, body: errorBody)
            if retryAfterMS == nil { retryAfterMS = adapter.retryAfterMS(status: status, body: errorBody) }
            let retryable = shouldRetryHeader ?? ([408, 409, 429].contains(status) || status >= 500)
            retryOrFinish(error, retryable: retryable, on: engine)
        } else {
            let error = Curl.error(code)
            retryOrFinish(error, retryable: !bodyStarted && status == 0 && Curl.isRetryable(code), on: engine)
        }
    }

    private func retryOrFinish(_ error: TraciaError, retryable: Bool, on engine: Engine) {
        guard retryable, attempt < stream.call.maxRetries else { return finish(error, on: engine) }
        let delay = retryAfterMS.map { min($0, 60_000) } ?? backoffMS()
        guard Clock.nowMS() + delay < totalDeadline else { return finish(error, on: engine) }
        attempt += 1
        engine.schedule(afterMS: delay) { [self] in startAttempt(on: engine) }
    }

    /// min(0.5 s * 2^n, 8 s), less up to 25% jitter, as the official SDKs do.
    private func backoffMS() -> Int64 {
        let base = min(500.0 * Double(1 << min(attempt, 10)), 8000.0)
        return Int64(base * (1 - 0.25 * Double.random(in: 0..<1)))
    }

    private func finish(_ error: TraciaError?, on engine: Engine) {
        if let easy { engine.remove(easy) }
        easy = nil
        var scrubbed = error
        scrubbed?.message = Redaction.scrub(error?.message ?? "", secrets: stream.call.secrets)
        stream.complete(scrubbed)
        engine.taskEnded(self)
    }
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        let s = Substring(self)
        let isSpace = { (c: Character) in c.isWhitespace }  // also "\r\n", which Swift sees as one character
        guard let first = s.firstIndex(where: { !isSpace($0) }), let last = s.lastIndex(where: { !isSpace($0) }) else { return "" }
        return s[first...last]
    }
}

internal import CCurl
import Glibc

/// One HTTP request whose whole response is wanted at once: the Tracia REST API, embeddings.
struct ExchangeSpec {
    var method: String
    var url: String
    var headers: [String]
    var body: [UInt8]
    var connectTimeoutMS: Int
    var caFile: String?
    var maxResponseBytes: Int
    var policy: RetryPolicy
}

/// The answer to an exchange: a status and the body, whatever the status.
struct ExchangeReply {
    var status: Int
    var body: [UInt8]
}

/// Drives one `ExchangeSpec` on the engine thread: attempts with the retry policy before any
/// response is accepted, `Retry-After` honoured, the connection closed on cancel. A response
/// the policy does not retry (a 2xx, a 404, a 400) is the reply, for the caller to read.
final class HTTPExchange: CurlOwner {
    private let spec: ExchangeSpec
    private let body: BodyBuffer
    private let headers: UnsafeMutablePointer<curl_slist>?
    private let deadline: Int64
    private let done: (Result<ExchangeReply, TraciaError>) -> Void
    private var easy: UnsafeMutableRawPointer?
    private var status = 0
    private var hints = RetryHints()
    private var received: [UInt8] = []
    private var failure: TraciaError?
    private var retries = 0
    private var ended = false

    init(_ spec: ExchangeSpec, deadline: Int64, done: @escaping (Result<ExchangeReply, TraciaError>) -> Void) {
        self.spec = spec
        body = BodyBuffer(spec.body)
        headers = Curl.headerList(spec.headers)
        self.deadline = deadline
        self.done = done
    }

    deinit { curl_slist_free_all(headers) }

    func start(on engine: Engine) {
        guard !ended else { return }
        status = 0
        hints = RetryHints()
        received = []
        failure = nil
        guard let handle = curl_easy_init() else { return end(.failure(TraciaError(.unknown, "curl_easy_init failed")), on: engine) }
        do throws(TraciaError) {
            let setup = try Curl.configure(
                handle, url: spec.url, body: body.bytes, headers: headers, connectTimeoutMS: spec.connectTimeoutMS,
                caFile: spec.caFile)
            switch spec.method {
            case "GET": try setup.set(CURLOPT_HTTPGET, 1)
            case "POST": break
            default: try setup.set(CURLOPT_CUSTOMREQUEST, string: spec.method)
            }
            try setup.set(CURLOPT_TIMEOUT_MS, Int(max(1, deadline.saturatingSubtracting(Clock.nowMS()))))
            let me = Unmanaged.passUnretained(self).toOpaque()
            try setup.set(
                CURLOPT_WRITEFUNCTION,
                function: { data, size, count, user in
                    Unmanaged<HTTPExchange>.fromOpaque(user!).takeUnretainedValue().receive(data, size * count)
                })
            try setup.set(CURLOPT_WRITEDATA, pointer: me)
            try setup.set(
                CURLOPT_HEADERFUNCTION,
                function: { data, size, count, user in
                    Unmanaged<HTTPExchange>.fromOpaque(user!).takeUnretainedValue().header(data, size * count)
                })
            try setup.set(CURLOPT_HEADERDATA, pointer: me)
            try engine.add(handle, owner: self)
        } catch {
            curl_easy_cleanup(handle)
            return end(.failure(error), on: engine)
        }
        easy = handle
    }

    /// Stops the exchange without calling `done`: its caller has gone.
    func cancel(on engine: Engine) {
        ended = true
        if let easy { engine.remove(easy) }
        easy = nil
    }

    private func header(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data else { return count }
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
        if line.prefix(5).lowercased() == "http/" {
            status = Int(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "") ?? 0
            hints = RetryHints()
            received = []
        } else {
            hints.take(headerLine: line)
        }
        return count
    }

    private func receive(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard received.count + count <= spec.maxResponseBytes else {
            failure = TraciaError(.providerError, "the response exceeded the limit of \(spec.maxResponseBytes) bytes")
            return tracia_curl_writefunc_error()
        }
        received.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count))
        return count
    }

    func transferDone(_ code: CURLcode, on engine: Engine) {
        if let easy { engine.remove(easy) }
        easy = nil
        guard !ended else { return }
        if let failure { return end(.failure(failure), on: engine) }
        let transportFailure = Curl.transportFailure(code)
        let outcome = AttemptOutcome(status: status == 0 ? nil : status, transportFailure: transportFailure, hints: hints)
        let isAnswer = transportFailure == nil && status > 0
        // A 2xx is the answer; whether another status is worth another attempt (a 409 is the
        // API's CONFLICT, a 404 final) is the policy's to say.
        if isAnswer && (200..<300).contains(status) {
            return end(.success(ExchangeReply(status: status, body: received)), on: engine)
        }
        let decision = spec.policy.decide(
            outcome, retriesSoFar: retries, remainingMS: deadline.saturatingSubtracting(Clock.nowMS()),
            jitterFraction: Double.random(in: 0..<1))
        guard case .retry(let delay) = decision else {
            return end(
                isAnswer ? .success(ExchangeReply(status: status, body: received)) : .failure(Curl.error(code, url: spec.url)), on: engine)
        }
        retries += 1
        engine.schedule(afterMS: delay) { [self] in start(on: engine) }
    }

    private func end(_ result: Result<ExchangeReply, TraciaError>, on engine: Engine) {
        guard !ended else { return }
        ended = true
        done(result)
    }
}

internal import CCurl
import Glibc

/// The I/O a credential source may do: one HTTP exchange on the engine's multi handle, or a
/// helper program run off the engine thread. Completions run on the engine thread.
final class CredentialFetcher {
    struct Reply {
        var status: Int
        var headers: [String]
        var body: [UInt8]
    }

    struct ProcessOutput {
        var exitStatus: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    /// Credential replies are small; a larger one is refused rather than buffered.
    static let replyLimit = 1 << 20

    private unowned let engine: Engine
    private var live: [ObjectIdentifier: OneShotTransfer] = [:]
    /// The CA file of the client, for HTTPS token endpoints.
    var caFile: String?

    init(engine: Engine) { self.engine = engine }

    /// One exchange, without retries or redirects. `method` is GET, PUT or POST. Transport
    /// failures are NETWORK_ERROR or TIMEOUT errors naming the host.
    func http(
        method: String, url: String, headers: [String], body: [UInt8], timeoutMS: Int,
        done: @escaping (Result<Reply, TraciaError>) -> Void
    ) {
        let transfer = OneShotTransfer(url: url, headers: headers, body: body) { [self] transfer, result in
            live[ObjectIdentifier(transfer)] = nil
            done(result)
        }
        live[ObjectIdentifier(transfer)] = transfer
        transfer.start(on: engine, method: method, timeoutMS: timeoutMS, caFile: caFile)
    }

    /// Runs `argv` (argv[0] looked up in PATH, no shell) on a thread of its own; its output is
    /// kept up to `replyLimit` bytes each, and it is killed after `timeoutMS`.
    func run(argv: [String], timeoutMS: Int, done: @escaping (Result<ProcessOutput, TraciaError>) -> Void) {
        let job = ProcessJob(argv: argv, timeoutMS: timeoutMS)
        let engine = self.engine
        let started = DetachedThread.start {
            let result = job.run()
            engine.perform { done(result) }
        }
        if !started { done(.failure(TraciaError(.unknown, "could not start a thread to run \(argv.first ?? "")"))) }
    }
}

/// One HTTP exchange whose whole reply is wanted.
private final class OneShotTransfer: CurlOwner {
    typealias Completion = (OneShotTransfer, Result<CredentialFetcher.Reply, TraciaError>) -> Void

    private let url: String
    private let body: BodyBuffer
    private let headers: UnsafeMutablePointer<curl_slist>?
    private let completion: Completion
    private var easy: UnsafeMutableRawPointer?
    private var reply = CredentialFetcher.Reply(status: 0, headers: [], body: [])
    private var tooLarge = false

    init(url: String, headers: [String], body: [UInt8], completion: @escaping Completion) {
        self.url = url
        self.body = BodyBuffer(body)
        self.headers = Curl.headerList(headers)
        self.completion = completion
    }

    deinit { curl_slist_free_all(headers) }

    func start(on engine: Engine, method: String, timeoutMS: Int, caFile: String?) {
        guard let handle = curl_easy_init() else { return completion(self, .failure(TraciaError(.unknown, "curl_easy_init failed"))) }
        do throws(TraciaError) {
            let setup = try Curl.configure(
                handle, url: url, body: body.bytes, headers: headers, connectTimeoutMS: min(timeoutMS, 10_000), caFile: caFile)
            switch method {
            case "GET": try setup.set(CURLOPT_HTTPGET, 1)
            case "POST": break
            default: try setup.set(CURLOPT_CUSTOMREQUEST, string: method)
            }
            try setup.set(CURLOPT_TIMEOUT_MS, timeoutMS)
            let me = Unmanaged.passUnretained(self).toOpaque()
            try setup.set(
                CURLOPT_WRITEFUNCTION,
                function: { data, size, count, user in
                    Unmanaged<OneShotTransfer>.fromOpaque(user!).takeUnretainedValue().received(data, size * count)
                })
            try setup.set(CURLOPT_WRITEDATA, pointer: me)
            try setup.set(
                CURLOPT_HEADERFUNCTION,
                function: { data, size, count, user in
                    Unmanaged<OneShotTransfer>.fromOpaque(user!).takeUnretainedValue().header(data, size * count)
                })
            try setup.set(CURLOPT_HEADERDATA, pointer: me)
            try engine.add(handle, owner: self)
        } catch {
            curl_easy_cleanup(handle)
            return completion(self, .failure(error))
        }
        easy = handle
    }

    private func header(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let data else { return count }
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
        // A new status line starts a new reply (after a 100 Continue).
        if line.hasPrefix("HTTP/") { reply.headers = [] }
        // "\r\n" is one Character.
        let trimmed = String(line.trimmingSuffix { $0.isNewline })
        if !trimmed.isEmpty { reply.headers.append(trimmed) }
        return count
    }

    private func received(_ data: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard reply.body.count + count <= CredentialFetcher.replyLimit else {
            tooLarge = true
            return tracia_curl_writefunc_error()
        }
        reply.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count))
        return count
    }

    func transferDone(_ code: CURLcode, on engine: Engine) {
        guard let easy else { return }
        var status = 0
        _ = tracia_easy_get_long(easy, CURLINFO_RESPONSE_CODE, &status)
        engine.remove(easy)
        self.easy = nil
        if tooLarge {
            return completion(
                self,
                .failure(TraciaError(.providerError, "the reply of \(Curl.host(of: url)) exceeded \(CredentialFetcher.replyLimit) bytes")))
        }
        guard code == CURLE_OK else { return completion(self, .failure(Curl.error(code, url: url))) }
        reply.status = status
        completion(self, .success(reply))
    }
}

extension StringProtocol {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> SubSequence {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}

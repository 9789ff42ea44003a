/// The I/O a credential source may do: one HTTP exchange on the engine's multi handle, or a
/// helper program run off the engine thread. Completions run on the engine thread.
final class CredentialFetcher {
    typealias Reply = ExchangeReply

    struct ProcessOutput {
        var exitStatus: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    /// Credential replies are small; a larger one is refused rather than buffered.
    static let replyLimit = 1 << 20

    private unowned let engine: Engine
    /// The CA file of the client, for HTTPS token endpoints.
    var caFile: String?

    init(engine: Engine) { self.engine = engine }

    /// One exchange, without retries or redirects. `method` is GET, PUT or POST. Transport
    /// failures are NETWORK_ERROR or TIMEOUT errors naming the host.
    func http(
        method: String, url: String, headers: [String], body: [UInt8], timeoutMS: Int,
        done: @escaping (Result<Reply, TraciaError>) -> Void
    ) {
        let spec = ExchangeSpec(
            method: method, url: url, headers: headers, body: body, connectTimeoutMS: min(timeoutMS, 10_000), caFile: caFile,
            maxResponseBytes: Self.replyLimit, policy: .providerCalls(maxRetries: 0))
        // The engine holds the exchange while its transfer runs.
        HTTPExchange(spec, deadline: Clock.nowMS().saturatingAdding(Int64(timeoutMS)), done: done).start(on: engine)
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
        if case .failure(let error) = started {
            done(.failure(TraciaError(.unknown, "could not start a thread to run \(argv.first ?? "") (error \(error.code))")))
        }
    }
}

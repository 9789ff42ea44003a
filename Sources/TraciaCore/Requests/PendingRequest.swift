/// A request that is not a stream (a Tracia API call, an embedding): started on the engine,
/// it ends once with a result JSON or an error. Its readiness descriptor is readable from the
/// end on, so a caller may block in `waitForResult` or wait on the descriptor in an event loop.
public final class PendingRequest: @unchecked Sendable {
    private let outcome = Locked<Result<String, TraciaError>?>(nil)
    private let ready: ReadyFD
    let engine: Engine
    /// Runs once when an abort ends the request (the embedding's error span, say). Dropped at
    /// the end: the hook holds its run, which holds this request.
    private let abortHook = Locked<(() -> Void)?>(nil)
    /// The exchange in flight (engine thread only).
    var current: HTTPExchange?

    init(engine: Engine) throws(TraciaError) {
        ready = try ReadyFD()
        self.engine = engine
        engine.retainUser()
    }

    deinit { engine.releaseUser() }

    /// Readable once the request has ended; never read it.
    public var readyFD: Int32 { ready.fd }

    /// Whether the request has ended.
    public var isDone: Bool { outcome.withLock { $0 != nil } }

    /// Ends the request unless it has ended; whether this call ended it.
    @discardableResult
    func complete(_ result: Result<String, TraciaError>) -> Bool {
        let won = outcome.withLock { o -> Bool in
            guard o == nil else { return false }
            o = result
            return true
        }
        if won {
            abortHook.withLock { $0 = nil }
            ready.set()
        }
        return won
    }

    /// Sets the hook an abort runs; before the request starts.
    func onAbort(_ hook: @escaping () -> Void) { abortHook.withLock { $0 = hook } }

    /// Ends the request with ABORTED and closes its connection. Any thread, idempotent; no
    /// effect once it has ended.
    public func abort() {
        let hook = abortHook.withLock { $0 }
        guard complete(.failure(TraciaError(.aborted, "the request was aborted"))) else { return }
        hook?()
        engine.perform { [self] in
            current?.cancel(on: engine)
            current = nil
        }
    }

    /// Waits for the end; the result JSON, or the error.
    public func waitForResult() -> Result<String, TraciaError> {
        while true {
            if let result = outcome.withLock({ $0 }) { return result }
            _ = ready.wait()
        }
    }

    /// Runs `spec` on the engine thread; `done` gets the reply there unless an abort came first.
    func run(_ spec: ExchangeSpec, deadline: Int64, done: @escaping (Result<ExchangeReply, TraciaError>) -> Void) {
        engine.perform { [self] in
            guard !isDone else { return }
            let exchange = HTTPExchange(spec, deadline: deadline) { [self] result in
                current = nil
                if !isDone { done(result) }
            }
            current = exchange
            exchange.start(on: engine)
        }
    }
}

internal import CCurl
import Glibc
import Synchronization

/// Counters of a client's span export, one count per span and destination.
public struct SpanStats: Sendable {
    public var queued = 0
    public var delivered = 0
    public var failed = 0
    public var dropped = 0
    public var pending = 0
}

/// Queues finished calls, renders their spans on the engine's worker and delivers them on the
/// engine thread to every destination (JSONL file, Tracia API, OTLP collector): keep-alive,
/// retries with backoff, and a bounded queue whose drops are counted and reported.
final class SpanExporter: @unchecked Sendable {
    fileprivate struct Item {
        var spanID: String
        var destination: Int
        var body: BodyBuffer
        var retries = 0
        var notBefore: Int64 = 0
    }

    private struct State: @unchecked Sendable {
        var finished: [FinishedCall] = []
        var queue: [Item] = []
        var inFlight = 0
        var stats = SpanStats()
        var flushes = FlushLedger()
        var reports: [(String, TraciaError)] = []
        /// Calls taken off `finished` whose spans the worker has not queued yet.
        var rendering = 0
        /// Spans held, one per call and destination: those not yet rendered count too.
        func held(destinations: Int) -> Int { (finished.count + rendering) * destinations + queue.count }
        var pending: Int { finished.count + rendering + queue.count + inFlight }
    }

    private let destinations: [SpanDestination]
    private let caFile: String?
    private let capacity: Int
    /// How long the engine, stopping, keeps delivering spans still pending: the client's flush bound.
    let drainTimeoutMS: Int
    private let retryPolicy: RetryPolicy
    private let state = Locked(State())
    private let idle: ReadyFD
    private let callback = Locked<(@Sendable (String, TraciaError) -> Void)?>(nil)
    private let secrets: [String]
    /// The engine thread, once it runs: a flush there would wait for itself.
    private let engineThread = Atomic<pthread_t>(0)
    /// The span files by destination index (engine thread only).
    private var files: [Int: SpanFile] = [:]
    /// Easy handles of finished posts, reused by the next ones (engine thread only).
    private var idleHandles: [UnsafeMutableRawPointer] = []
    var wake: () -> Void = {}

    private static let maxInFlight = 8

    init(options: ClientOptions) throws(TraciaError) {
        destinations = SpanDestination.all(for: options)
        capacity = options.spanQueueSize
        drainTimeoutMS = options.flushTimeoutMS
        retryPolicy = .spanExport(maxAttempts: options.spanMaxAttempts, retryBaseMS: Int64(options.spanRetryBaseMS))
        caFile = options.caFile
        secrets = options.secrets
        for (index, destination) in destinations.enumerated() {
            if case .file(let path) = destination.kind { files[index] = SpanFile(path: path) }
        }
        idle = try ReadyFD()
        idle.set()
    }

    deinit {
        for destination in destinations { destination.release() }
        for easy in idleHandles { curl_easy_cleanup(easy) }
    }

    var isIdle: Bool { state.withLock { $0.pending == 0 } }

    func setCallback(_ fn: (@Sendable (String, TraciaError) -> Void)?) { callback.withLock { $0 = fn } }

    var stats: SpanStats {
        state.withLock { s in
            var st = s.stats
            st.pending = s.held(destinations: destinations.count) + s.inFlight
            return st
        }
    }

    // MARK: any thread

    /// Takes a finished call; its spans are rendered and sent on the engine thread.
    func enqueue(_ finished: FinishedCall) {
        guard !destinations.isEmpty else { return }
        state.withLock { s in
            makeRoom(for: destinations.count, in: &s)
            s.finished.append(finished)
            s.stats.queued += destinations.count
            idle.clear()
        }
        wake()
    }

    /// Drops the oldest spans held, rendered ones first, until `spans` more fit in the
    /// capacity; each drop is counted and reported by the next pump. A batch the worker is
    /// rendering is not dropped: it is at most what was held before.
    private func makeRoom(for spans: Int, in s: inout State) {
        while s.held(destinations: destinations.count) + spans > capacity {
            if !s.queue.isEmpty {
                let dropped = s.queue.removeFirst()
                noteDrop(of: dropped.spanID, destination: dropped.destination, in: &s)
            } else if !s.finished.isEmpty {
                let dropped = s.finished.removeFirst()
                for index in destinations.indices { noteDrop(of: dropped.spanID, destination: index, in: &s) }
            } else {
                return
            }
        }
    }

    private func noteDrop(of spanID: String, destination: Int, in s: inout State) {
        s.stats.dropped += 1
        let target = destinations[destination].name
        s.reports.append((spanID, TraciaError(.networkError, "span for \(target) dropped: the export queue is full (\(capacity))")))
    }

    /// Waits until nothing is pending; `.networkError` when spans failed or were dropped since
    /// the last flush that had completed when this one began (see `FlushLedger`). `.misuse` on
    /// the engine thread (from the span-error callback): the spans it would wait for are
    /// delivered by that thread.
    func flush(timeoutMS: Int) -> ErrorCode? {
        if pthread_equal(pthread_self(), engineThread.load(ordering: .acquiring)) != 0 { return .misuse }
        let deadline = Clock.nowMS().saturatingAdding(Int64(timeoutMS))
        let baseline = state.withLock { $0.flushes.baseline }
        while true {
            let failed = state.withLock { s -> Bool? in
                s.pending == 0 ? s.flushes.complete(baseline: baseline, problems: s.stats.failed + s.stats.dropped) : nil
            }
            if let failed { return failed ? .networkError : nil }
            let remaining = timeoutMS < 0 ? -1 : Int32(clamping: max(0, deadline - Clock.nowMS()))
            if remaining == 0 { return .timeout }
            _ = idle.wait(timeoutMS: remaining)
        }
    }

    // MARK: engine thread

    /// Called first thing on the engine thread.
    func runs(on thread: pthread_t) { engineThread.store(thread, ordering: .releasing) }

    /// Hands what was enqueued to the engine's worker to render, starts what is due; returns
    /// when it next needs to run.
    func pump(on engine: Engine, now: Int64) -> Int64 {
        // One batch at a time: what waits for the worker stays droppable, so the spans held
        // stay within the capacity however slow rendering is.
        let finished = state.withLock { s -> [FinishedCall] in
            guard s.rendering == 0 else { return [] }
            defer {
                s.rendering = s.finished.count
                s.finished.removeAll(keepingCapacity: true)
            }
            return s.finished
        }
        if !finished.isEmpty { engine.worker.submit { [self] in queue(finished) } }
        var due: [Item] = []
        var next = Int64.max
        var reports: [(String, TraciaError)] = []
        state.withLock { s in
            reports = s.reports
            s.reports.removeAll()
            // Oldest first. With every slot busy the scan stops: a finishing post wakes the
            // engine, so neither a busy loop nor a pass over a long queue is needed.
            var slots = Self.maxInFlight - s.inFlight
            var i = 0
            while i < s.queue.count {
                let notBefore = s.queue[i].notBefore
                if notBefore > now {
                    next = min(next, notBefore)
                    i += 1
                } else if slots > 0 {
                    due.append(s.queue.remove(at: i))
                    slots -= 1
                } else {
                    break
                }
            }
            s.inFlight += due.count
            if s.pending == 0 { idle.set() }
        }
        report(reports)
        for item in due {
            switch destinations[item.destination].kind {
            case .file: settle(item, error: files[item.destination]?.append(item.body.bytes))
            case .unavailable(let reason): settle(item, error: TraciaError(.unknown, reason))
            case .http(let url, let headers): post(item, url: url, headers: headers, on: engine)
            }
        }
        return next
    }

    /// On the worker: renders each call's span for every destination and queues them, the
    /// oldest dropped (and reported by the next pump) past the capacity.
    private func queue(_ finished: [FinishedCall]) {
        var rendered: [Item] = []
        for call in finished {
            for (index, destination) in destinations.enumerated() {
                rendered.append(Item(spanID: call.spanID, destination: index, body: BodyBuffer(destination.render(call))))
            }
        }
        state.withLock { s in
            s.rendering -= finished.count
            // Queued first: the batch is older than the calls enqueued since, so its spans go
            // before theirs.
            s.queue += rendered
            makeRoom(for: 0, in: &s)
        }
        wake()
    }

    private func post(_ item: Item, url: String, headers: UnsafeMutablePointer<curl_slist>?, on engine: Engine) {
        guard let easy = idleHandles.popLast() ?? curl_easy_init() else {
            return settle(item, error: TraciaError(.unknown, "curl_easy_init failed"))
        }
        do throws(TraciaError) {
            let setup = try Curl.configure(
                easy, url: url, body: item.body.bytes, headers: headers, connectTimeoutMS: 10_000, caFile: caFile)
            try setup.set(CURLOPT_TIMEOUT_MS, 30_000)
            try setup.set(CURLOPT_WRITEFUNCTION, function: { _, size, count, _ in size * count })
            try engine.add(easy, owner: SpanPost(item: item, exporter: self, easy: easy))
        } catch {
            // Not reused: its options are half set.
            curl_easy_cleanup(easy)
            settle(item, error: error)
        }
    }

    private func destinationURL(_ item: Item) -> String {
        if case .http(let url, _) = destinations[item.destination].kind { return url }
        return ""
    }

    fileprivate func recycle(_ easy: UnsafeMutableRawPointer) {
        if idleHandles.count < Self.maxInFlight { idleHandles.append(easy) } else { curl_easy_cleanup(easy) }
    }

    fileprivate func posted(_ item: Item, code: CURLcode, status: Int, on engine: Engine) {
        let transportFailure = Curl.transportFailure(code)
        if transportFailure == nil && (200..<300).contains(status) { return settle(item, error: nil) }
        let error =
            transportFailure != nil
            ? Curl.error(code, url: destinationURL(item))
            : TraciaError(
                status == 401 ? .unauthorized : .unknown, "the server answered HTTP \(status)",
                statusCode: status)
        let outcome = AttemptOutcome(status: status == 0 ? nil : status, transportFailure: transportFailure)
        guard case .retry(let delay) = retryPolicy.decide(outcome, retriesSoFar: item.retries, remainingMS: nil, jitterFraction: 0)
        else { return settle(item, error: error) }
        var item = item
        item.retries += 1
        item.notBefore = Clock.nowMS() + delay
        state.withLock { s in
            s.inFlight -= 1
            s.queue.append(item)
        }
    }

    /// Reports a failure before the span stops counting as pending, so a flush that returns
    /// has seen every callback.
    private func settle(_ item: Item, error: TraciaError?) {
        if var error {
            error.message = "span for \(destinations[item.destination].name) failed: \(error.message)"
            report([(item.spanID, error)])
        }
        state.withLock { s in
            s.inFlight -= 1
            if error == nil { s.stats.delivered += 1 } else { s.stats.failed += 1 }
            if s.pending == 0 { idle.set() }
        }
    }

    private func report(_ reports: [(String, TraciaError)]) {
        guard !reports.isEmpty, let fn = callback.withLock({ $0 }) else { return }
        for (spanID, error) in reports {
            var scrubbed = error
            scrubbed.message = Redaction.scrub(error.message, secrets: secrets)
            fn(spanID, scrubbed)
        }
    }
}

/// Which failures a flush reports: those counted (failed or dropped spans) after the most
/// recent flush that had completed when this one began. Flushes that run at the same time
/// share that baseline, so each reports the failures it waited for, whichever returns first;
/// a flush that times out completes nothing.
struct FlushLedger {
    /// The problem count when the most recent flush completed.
    private(set) var baseline = 0

    /// A flush that began with `baseline` completes with `problems` counted; whether it reports failures.
    mutating func complete(baseline begun: Int, problems: Int) -> Bool {
        baseline = max(baseline, problems)
        return problems > begun
    }
}

/// One POST of a span.
private final class SpanPost: CurlOwner {
    let item: SpanExporter.Item
    unowned let exporter: SpanExporter
    let easy: UnsafeMutableRawPointer

    init(item: SpanExporter.Item, exporter: SpanExporter, easy: UnsafeMutableRawPointer) {
        self.item = item
        self.exporter = exporter
        self.easy = easy
    }

    func transferDone(_ code: CURLcode, on engine: Engine) {
        var status = 0
        _ = tracia_easy_get_long(easy, CURLINFO_RESPONSE_CODE, &status)
        engine.detach(easy)
        exporter.recycle(easy)
        exporter.posted(item, code: code, status: status, on: engine)
    }
}

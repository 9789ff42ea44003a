import Glibc
import Synchronization

/// How a call ended.
public enum Outcome: Sendable, Equatable {
    case success
    case failure(TraciaError)
    case aborted
}

/// One call: the engine thread feeds it events; the caller's thread reads chunks and the
/// result. Chunks are NUL-terminated copies handed out zero-copy by `next`; the chunks of one
/// network read share one allocation, freed once the reader has moved past its last chunk.
public final class CallStream: @unchecked Sendable {
    public let spanID: String
    public let traceID: String
    public let call: ResolvedCall
    public let spanIDCString: UnsafeMutablePointer<CChar>
    public let traceIDCString: UnsafeMutablePointer<CChar>
    private let ready: ReadyFD
    private let state = Locked(State())
    private let startedMS = Clock.nowMS()
    private let startedUnixNS = Clock.unixNS()
    private let engine: Engine
    private let exporter: SpanExporter?
    /// Chunks decoded from one network read, published together so that the reader is woken
    /// once per read rather than once per event. Engine thread only.
    /// Chunks the reader has taken from the queue in one step and hands out without locking,
    /// and the allocation it may still be using. Reader thread only.
    private var taken: [Chunk] = []
    private var takenHead = 0
    private var readerToFree: UnsafeMutableRawPointer?
    /// Set by abort, read by the reader for each chunk it hands out from `taken`.
    private let abortRequested = Atomic<Bool>(false)
    private var stagedBytes: [UInt8] = []
    private var stagedChunks: [(offset: Int, count: Int)] = []

    struct Chunk {
        let bytes: UnsafeMutablePointer<CChar>
        let count: Int
        /// Set on the last chunk of a read: the allocation all of that read's chunks live in.
        let block: UnsafeMutableRawPointer?
    }

    struct State: @unchecked Sendable {
        var queue: [Chunk] = []
        var head = 0
        /// Allocations of chunks dropped by abort, which the reader may still be using: freed
        /// on its next call.
        var retired: [UnsafeMutableRawPointer] = []
        var accumulator = Accumulator()
        var outcome: Outcome?
        var isReady = false
        var latencyMS = 0
        var toolCalls: [ToolCall] = []
        var doneFD: Int32 = -1
        /// Text published and not yet read, and whether the transfer waits for the reader.
        var unreadBytes = 0
        var paused = false
        /// Someone waits for the end without reading: the transfer must not wait for them.
        var endAwaited = false
        var readyWaiters: [UnsafeContinuation<Void, Never>] = []
        var endWaiters: [UnsafeContinuation<Void, Never>] = []
    }

    public enum Step {
        case chunk(UnsafePointer<CChar>, Int)
        case end
        case failed(TraciaError)
    }

    init(call: ResolvedCall, engine: Engine, exporter: SpanExporter?) throws(TraciaError) {
        // First: a failure here must come before anything that only deinit would free.
        ready = try ReadyFD()
        self.call = call
        self.engine = engine
        self.exporter = exporter
        spanID = call.request.spanID ?? Ids.span()
        traceID = call.request.traceID ?? Ids.trace()
        spanIDCString = strdup(spanID)
        traceIDCString = strdup(traceID)
        engine.retainUser()
    }

    deinit {
        free(readerToFree)
        for chunk in taken[takenHead...] { free(chunk.block) }
        state.withLock { s in
            Self.freeReleased(&s)
            for chunk in s.queue[s.head...] { free(chunk.block) }
        }
        state.withLock { s in if s.doneFD >= 0 { close(s.doneFD) } }
        free(spanIDCString)
        free(traceIDCString)
        engine.releaseUser()
    }

    public var readyFD: Int32 { ready.fd }
    /// Readable once the call has ended, for event loops that await the result. Made on first
    /// use, so a stream that is only read holds one descriptor besides its connection.
    public var doneFD: Int32 {
        get throws(TraciaError) {
            let made: Result<Int32, TraciaError> = state.withLock { s in
                if s.doneFD < 0 {
                    awaitEnd(&s)
                    do throws(TraciaError) { s.doneFD = try ReadyFD.make(set: s.outcome != nil) } catch { return .failure(error) }
                }
                return .success(s.doneFD)
            }
            return try made.get()
        }
    }
    public var isFinished: Bool { state.withLock { $0.outcome != nil } }

    // MARK: caller side

    /// The next chunk, the end, or the failure; blocks until one of them.
    public func next() -> Step {
        while true {
            if let step = poll() { return step }
            _ = ready.wait()
        }
    }

    /// The next step if one is ready; nil when `next` would block.
    public func poll() -> Step? {
        free(readerToFree)
        readerToFree = nil
        if abortRequested.load(ordering: .acquiring) {
            for chunk in taken[takenHead...] { free(chunk.block) }
            taken.removeAll()
            takenHead = 0
        }
        if takenHead < taken.count {
            let chunk = taken[takenHead]
            takenHead += 1
            readerToFree = chunk.block
            // The readiness fd promises that next() will not block: past the last taken chunk
            // that depends on the queue again.
            if takenHead == taken.count { state.withLock { s in clearReadyIfDrained(&s) } }
            return .chunk(chunk.bytes, chunk.count)
        }
        taken.removeAll(keepingCapacity: true)
        takenHead = 0
        return state.withLock { s in
            Self.freeReleased(&s)
            if s.outcome == .aborted { return .end }
            if s.head < s.queue.count {
                // Everything queued at once: the reader then needs the lock once per network read.
                swap(&taken, &s.queue)
                takenHead = s.head + 1
                s.head = 0
                s.unreadBytes = 0
                if s.paused && Self.caughtUp(s) { resumeWanted(&s) }
                let chunk = taken[takenHead - 1]
                readerToFree = chunk.block
                if takenHead == taken.count { clearReadyIfDrained(&s) }
                return .chunk(chunk.bytes, chunk.count)
            }
            clearReadyIfDrained(&s)
            switch s.outcome {
            case .success, .aborted: return .end
            case .failure(let e): return .failed(e)
            case nil: return nil
            }
        }
    }

    /// Suspends until `poll` has something; cancelling the task aborts the call.
    func waitUntilReady() async {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (c: UnsafeContinuation<Void, Never>) in
                let now = state.withLock { s in
                    if s.isReady { return true }
                    s.readyWaiters.append(c)
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            abort()
        }
    }

    /// Suspends until the call has ended.
    func waitUntilEnded() async {
        endIsAwaited()
        await withUnsafeContinuation { (c: UnsafeContinuation<Void, Never>) in
            let now = state.withLock { s in
                if s.outcome != nil { return true }
                s.endWaiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    /// Stops the call; the text so far stays in the result. Idempotent.
    public func abort() {
        let aborted = state.withLock { s -> Bool in
            guard s.outcome == nil else { return false }
            abortRequested.store(true, ordering: .releasing)
            // The chunk the reader holds may live in one of these: free them on its next call.
            for chunk in s.queue[s.head...] { if let block = chunk.block { s.retired.append(block) } }
            s.queue.removeAll()
            s.head = 0
            end(&s, .aborted)
            return true
        }
        if aborted { engine.cancel(self) }
    }

    private func clearReadyIfDrained(_ s: inout State) {
        if s.head == s.queue.count && s.outcome == nil { setReady(&s, false) }
    }

    private static func freeReleased(_ s: inout State) {
        for block in s.retired { free(block) }
        s.retired.removeAll()
    }

    /// Waits for the end of the call.
    public func waitForEnd() {
        if !isFinished { endIsAwaited() }
        while !isFinished {
            // Without a descriptor to spare, poll the flag instead.
            if let fd = try? doneFD { _ = ReadyFD.wait(fd) } else { usleep(1000) }
        }
    }

    /// The final result, failure included; blocks until the end of the call.
    public func waitForResult() -> CallResult {
        waitForEnd()
        return finalResult()
    }

    private func finalResult() -> CallResult {
        state.withLock { s in
            var failure: TraciaError?
            var aborted = false
            switch s.outcome {
            case .failure(let e): failure = e
            case .aborted: aborted = true
            default: break
            }
            return CallResult(
                text: s.accumulator.textString, spanID: spanID, traceID: traceID, latencyMS: s.latencyMS,
                usage: s.accumulator.usage, provider: call.provider, model: call.request.model, toolCalls: s.toolCalls,
                finishReason: s.accumulator.finishReason, aborted: aborted, error: failure)
        }
    }

    // MARK: engine side

    /// Ends the call with success (nil) or a failure. Returns false when it had already ended.
    @discardableResult
    func complete(_ failure: TraciaError?) -> Bool {
        publish()
        return state.withLock { s in
            guard s.outcome == nil else { return false }
            var outcome = failure.map(Outcome.failure) ?? .success
            if failure == nil {
                do throws(TraciaError) { s.toolCalls = try s.accumulator.toolCalls() } catch { outcome = .failure(error) }
            }
            end(&s, outcome)
            return true
        }
    }

    /// Backpressure: true (and the stream remembers it) when the reader is so far behind that
    /// the transfer should wait; the reader's catching up resumes it. Memory stays bounded
    /// however slowly the caller reads, unless someone awaits the end without reading.
    func pauseIfBehind() -> Bool {
        state.withLock { s in
            guard s.outcome == nil, !s.endAwaited else { return false }
            let behind = s.queue.count - s.head >= Self.pauseChunks || s.unreadBytes >= Self.pauseBytes
            if behind { s.paused = true }
            return behind
        }
    }

    static let pauseChunks = 4096
    static let pauseBytes = 1 << 20

    private static func caughtUp(_ s: State) -> Bool {
        s.queue.count - s.head <= pauseChunks / 4 && s.unreadBytes <= pauseBytes / 4
    }

    private func resumeWanted(_ s: inout State) {
        s.paused = false
        engine.resume(self)
    }

    /// Whoever waits for the end may not read: no more pausing, and a paused transfer goes on.
    private func endIsAwaited() { state.withLock { awaitEnd(&$0) } }

    private func awaitEnd(_ s: inout State) {
        s.endAwaited = true
        if s.paused { resumeWanted(&s) }
    }

    /// Whether events are still wanted (false once ended or aborted).
    var isLive: Bool { state.withLock { $0.outcome == nil } }

    private func end(_ s: inout State, _ outcome: Outcome) {
        s.latencyMS = Int(Clock.nowMS() - startedMS)
        s.outcome = outcome
        if call.request.sendTrace, let exporter {
            exporter.enqueue(
                FinishedCall(
                    call: call, spanID: spanID, traceID: traceID, accumulator: s.accumulator, toolCalls: s.toolCalls,
                    outcome: outcome, latencyMS: s.latencyMS, startUnixNS: startedUnixNS, endUnixNS: Clock.unixNS()))
        }
        setReady(&s, true)
        if s.doneFD >= 0 { ReadyFD.set(s.doneFD) }
        for waiter in s.endWaiters { waiter.resume() }
        s.endWaiters.removeAll()
    }

    private func setReady(_ s: inout State, _ value: Bool) {
        guard s.isReady != value else { return }
        s.isReady = value
        if value {
            ready.set()
            for waiter in s.readyWaiters { waiter.resume() }
            s.readyWaiters.removeAll()
        } else {
            ready.clear()
        }
    }
}

extension CallStream: AsyncSequence {
    public typealias Element = String

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: CallStream

        /// The next chunk; nil at the end (also after an abort); throws the call's failure.
        public mutating func next() async throws -> String? {
            while true {
                switch stream.poll() {
                case .chunk(let bytes, let count):
                    return bytes.withMemoryRebound(to: UInt8.self, capacity: count) {
                        String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
                    }
                case .end: return nil
                case .failed(let error): throw error
                case nil: await stream.waitUntilReady()
                }
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: self) }

    /// The final result once the call has ended; throws the call's failure.
    public var result: CallResult {
        get async throws(TraciaError) {
            await waitUntilEnded()
            let result = finalResult()
            if let error = result.error { throw error }
            return result
        }
    }
}

extension CallStream: EventSink {
    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard !bytes.isEmpty else { return }
        stagedChunks.append((stagedBytes.count, bytes.count))
        stagedBytes.append(contentsOf: bytes)
        stagedBytes.append(0)
    }

    /// Hands the staged chunks to the reader in one step, in one allocation.
    func publish() {
        guard !stagedChunks.isEmpty, let block = malloc(stagedBytes.count) else { return }
        stagedBytes.withUnsafeBytes { _ = memcpy(block, $0.baseAddress!, $0.count) }
        let base = block.assumingMemoryBound(to: CChar.self)
        let last = stagedChunks.count - 1
        let chunks = stagedChunks.enumerated().map { i, c in
            Chunk(bytes: base + c.offset, count: c.count, block: i == last ? block : nil)
        }
        stagedChunks.removeAll(keepingCapacity: true)
        stagedBytes.removeAll(keepingCapacity: stagedBytes.count <= 1 << 16)
        state.withLock { s in
            guard s.outcome == nil else {
                free(block)
                return
            }
            for chunk in chunks {
                s.accumulator.appendText(
                    UnsafeBufferPointer(start: UnsafeRawPointer(chunk.bytes).assumingMemoryBound(to: UInt8.self), count: chunk.count))
            }
            s.queue.append(contentsOf: chunks)
            for chunk in chunks { s.unreadBytes += chunk.count }
            setReady(&s, true)
        }
    }

    func toolCallStart(index: Int, id: String?, name: String?) {
        state.withLock { s in if s.outcome == nil { s.accumulator.startToolCall(index: index, id: id, name: name) } }
    }

    func toolCallArguments(index: Int, fragment: UnsafeBufferPointer<UInt8>) {
        state.withLock { s in if s.outcome == nil { s.accumulator.appendArguments(index: index, fragment) } }
    }

    func usage(_ usage: Usage) {
        state.withLock { s in if s.outcome == nil { s.accumulator.setUsage(usage) } }
    }

    func finish(_ reason: ProviderFinish) {
        state.withLock { s in if s.outcome == nil { s.accumulator.setFinish(reason) } }
    }
}

/// The final result of a call, as `StreamResult` in the Tracia SDKs.
public struct CallResult: Sendable {
    public var text: String
    public var spanID: String
    public var traceID: String
    public var latencyMS: Int
    public var usage: Usage
    public var provider: ProviderKind
    public var model: String
    public var toolCalls: [ToolCall]
    public var finishReason: FinishReason
    public var aborted: Bool
    public var error: TraciaError?
}

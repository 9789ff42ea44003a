/// The lifecycle of one call's stream as a value: what the engine published, what the reader
/// took, backpressure, abort and the end. Each input changes the state and returns what the
/// shell (`CallStream`) must do; the machine itself does no I/O and calls nothing, so every
/// transition is testable without sockets or threads.
///
/// A stream is read either as text or as typed events, fixed by the reader's first take: a
/// text reader is never handed the other events, so those queued before are dropped then and
/// none is queued after (the engine stops staging them: `record` says whether they are wanted).
///
/// The end comes in two steps. `end(_:)`/`abort()` stop the stream taking events and return the
/// snapshot its span is built from; the shell queues that span outside the lock and then calls
/// `commitEnd()`, which makes the end visible to readers. A reader that has seen the end can
/// therefore flush and find the span queued.
struct StreamStateMachine<Waiter> {
    enum Phase: Equatable {
        case streaming
        /// Stopped taking events; the end is not yet visible to readers.
        case ending(Outcome)
        case ended(Outcome)
    }

    /// What an input asks the shell to do.
    struct Actions {
        /// The readiness descriptor's new level. Applied under the lock, so that its level always
        /// matches the state; writing an eventfd calls nothing else.
        var readiness: Bool?
        /// Set the end descriptor, under the lock for the same reason.
        var signalEnd = false
        /// After the lock: continuations to resume.
        var resume: [Waiter] = []
        /// After the lock: continue the transfer paused for the reader.
        var resumeTransfer = false
        /// After the lock: stop the transfer (the stream was aborted).
        var cancelTransfer = false
    }

    /// What the span and the result are built from, captured when the end begins.
    struct EndSnapshot {
        let outcome: Outcome
        let accumulator: Accumulator
        let toolCalls: [ToolCall]
        let latencyMS: Int
        let timeToFirstTokenMS: Int?
    }

    /// The reader's step after taking from the queue.
    enum ReaderStep {
        /// Chunks moved into the reader's list; hand them out.
        case chunks
        case end
        case failed(TraciaError)
        case wouldBlock
    }

    /// How the reader reads the stream.
    enum ReadMode {
        case unknown, text, events
    }

    /// A reader this far behind pauses the transfer; catching up to a quarter resumes it.
    struct Backpressure {
        var chunks = 4096
        var bytes = 1 << 20
    }

    private(set) var phase = Phase.streaming
    private(set) var queue = ChunkQueue()
    private(set) var accumulator = Accumulator()
    private(set) var toolCalls: [ToolCall] = []
    private(set) var latencyMS = 0
    /// From the start to the first content (text, reasoning or a tool call); nil until it came.
    private(set) var timeToFirstTokenMS: Int?
    private(set) var isReady = false
    private(set) var readMode = ReadMode.unknown
    private(set) var paused = false
    /// Someone waits for the end without reading: the transfer must not wait for them.
    private(set) var endAwaited = false
    private var readyWaiters: [Waiter] = []
    private var endWaiters: [Waiter] = []
    private let backpressure: Backpressure
    private let startedMS: Int64

    init(startedMS: Int64, backpressure: Backpressure = Backpressure()) {
        self.startedMS = startedMS
        self.backpressure = backpressure
    }

    var isStreaming: Bool { phase == .streaming }

    /// The outcome once the end is visible.
    var outcome: Outcome? {
        if case .ended(let outcome) = phase { return outcome }
        return nil
    }

    // MARK: engine side

    /// The chunks of one network read. Returns false when the stream no longer takes them
    /// (the caller frees the batch).
    mutating func published(_ batch: ChunkBatch, actions: inout Actions) -> Bool {
        guard isStreaming else { return false }
        var batch = batch
        for chunk in batch.chunks where chunk.isText { accumulator.appendText(chunk.buffer) }
        if readMode == .text && batch.eventCount > 0 {
            batch.removeEvents()
            if batch.chunks.isEmpty { return true }
        }
        queue.append(batch)
        setReady(true, &actions)
        return true
    }

    /// Tool calls, reasoning, usage and the finish reason: ignored once the stream stopped.
    /// Returns whether the reader may want the event staged (false once it reads text).
    @discardableResult
    mutating func record(_ event: (inout Accumulator) -> Void) -> Bool {
        guard isStreaming else { return false }
        event(&accumulator)
        return readMode != .text
    }

    /// The first content came (later calls change nothing).
    mutating func contentArrived(nowMS: Int64) {
        guard isStreaming, timeToFirstTokenMS == nil else { return }
        timeToFirstTokenMS = Int(clamping: nowMS - startedMS)
    }

    /// Whether events other than text are still wanted.
    var wantsEvents: Bool { isStreaming && readMode != .text }

    /// Whether the transfer should wait for the reader; remembers that it does.
    mutating func shouldPause() -> Bool {
        guard isStreaming, !endAwaited else { return false }
        let behind = queue.count >= backpressure.chunks || queue.unreadBytes >= backpressure.bytes
        if behind { paused = true }
        return behind
    }

    /// The engine ends the call: success (nil) or a failure. Nil when it had already ended.
    /// Tool-call arguments are parsed here; malformed ones turn success into a failure.
    mutating func end(_ failure: TraciaError?, nowMS: Int64) -> EndSnapshot? {
        guard isStreaming else { return nil }
        var outcome = failure.map(Outcome.failure) ?? .success
        if failure == nil {
            do throws(TraciaError) { toolCalls = try accumulator.toolCalls() } catch { outcome = .failure(error) }
        }
        return beginEnd(outcome, nowMS: nowMS)
    }

    // MARK: reader side

    /// The reader takes everything queued into `taken` (which must be empty). Its first take
    /// fixes how the stream is read (`mode`: text or events); later takes must pass the same.
    mutating func take(into taken: inout [Chunk], as mode: ReadMode, actions: inout Actions) -> ReaderStep {
        queue.freeRetired()
        if readMode == .unknown {
            readMode = mode
            if mode == .text { queue.removeEvents() }
        }
        if phase == .ending(.aborted) || outcome == .aborted { return .end }
        if !queue.isEmpty {
            queue.takeAll(into: &taken)
            if paused && caughtUp {
                paused = false
                actions.resumeTransfer = true
            }
            // The descriptor promises that next() will not block: with one chunk taken that
            // rests on the queue again at once, otherwise once the last taken one is out.
            if taken.count == 1 { clearReadyIfDrained(&actions) }
            return .chunks
        }
        clearReadyIfDrained(&actions)
        switch outcome {
        case .success, .aborted: return .end
        case .failure(let error): return .failed(error)
        case nil: return .wouldBlock
        }
    }

    /// The reader handed out the last chunk it had taken.
    mutating func readerDrained(actions: inout Actions) { clearReadyIfDrained(&actions) }

    /// Abort: queued chunks are dropped and the text so far stays in the result. Nil when the
    /// stream had already stopped.
    mutating func abort(nowMS: Int64, actions: inout Actions) -> EndSnapshot? {
        guard isStreaming else { return nil }
        queue.dropAll()
        actions.cancelTransfer = true
        return beginEnd(.aborted, nowMS: nowMS)
    }

    /// Whoever waits for the end may not read: no more pausing, and a paused transfer goes on.
    mutating func endIsAwaited(actions: inout Actions) {
        endAwaited = true
        if paused {
            paused = false
            actions.resumeTransfer = true
        }
    }

    /// Registers a waiter for readiness; false when it is ready already (resume it at once).
    mutating func waitForReady(_ waiter: Waiter) -> Bool {
        guard !isReady else { return false }
        readyWaiters.append(waiter)
        return true
    }

    /// Registers a waiter for the end; false when the end is visible already.
    mutating func waitForEnd(_ waiter: Waiter) -> Bool {
        guard outcome == nil else { return false }
        endWaiters.append(waiter)
        return true
    }

    // MARK: the end

    /// The span is queued: the end becomes visible.
    mutating func commitEnd(actions: inout Actions) {
        guard case .ending(let outcome) = phase else { return }
        phase = .ended(outcome)
        setReady(true, &actions)
        actions.signalEnd = true
        actions.resume += endWaiters
        endWaiters.removeAll()
    }

    /// Frees every chunk the queue still holds (the stream is going away).
    mutating func freeAll() { queue.freeAll() }

    private mutating func beginEnd(_ outcome: Outcome, nowMS: Int64) -> EndSnapshot {
        latencyMS = Int(clamping: nowMS - startedMS)
        phase = .ending(outcome)
        return EndSnapshot(
            outcome: outcome, accumulator: accumulator, toolCalls: toolCalls, latencyMS: latencyMS, timeToFirstTokenMS: timeToFirstTokenMS)
    }

    private var caughtUp: Bool {
        queue.count <= backpressure.chunks / 4 && queue.unreadBytes <= backpressure.bytes / 4
    }

    private mutating func clearReadyIfDrained(_ actions: inout Actions) {
        if queue.isEmpty && outcome == nil { setReady(false, &actions) }
    }

    private mutating func setReady(_ value: Bool, _ actions: inout Actions) {
        guard isReady != value else { return }
        isReady = value
        actions.readiness = value
        if value {
            actions.resume += readyWaiters
            readyWaiters.removeAll()
        }
    }
}

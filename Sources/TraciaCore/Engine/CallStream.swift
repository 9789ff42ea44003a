import Glibc
import Synchronization

/// One call: the engine thread feeds it events; the caller's thread reads chunks (or typed
/// events) and the result. The lifecycle is `StreamStateMachine`; this shell holds it under a
/// lock, applies the descriptor levels the machine asks for, and runs everything else it asks
/// for (resume continuations, resume or cancel the transfer, queue the span) after the lock is
/// released.
/// So the stream's lock is never held while another lock is taken (docs/ARCHITECTURE.md).
public final class CallStream: @unchecked Sendable {
    typealias Machine = StreamStateMachine<UnsafeContinuation<Void, Never>>

    public let spanID: String
    public let traceID: String
    public let call: ResolvedCall
    private let ready: ReadyFD
    private let state: Locked<Shared>
    private let startedUnixNS = Clock.unixNS()
    private let engine: Engine
    private let exporter: SpanExporter?
    /// Set by abort, read by the reader for each chunk it hands out without the lock.
    private let abortRequested = Atomic<Bool>(false)
    /// Engine thread only.
    private var stager = ChunkStager()
    private var toolCallEvents = ToolCallEvents()
    /// Whether content (text, reasoning or a tool call) came; engine thread only.
    private(set) var hasContent = false
    /// Reader thread only.
    private var reader = ChunkReader()
    private var readMode = Machine.ReadMode.unknown

    private struct Shared: @unchecked Sendable {
        var machine: Machine
        /// Readable once the call has ended; made on first use.
        var doneFD: Int32 = -1
    }

    /// A step of the reader, for the C boundary: the chunk stays valid until the next step.
    package enum Step {
        case chunk(UnsafePointer<CChar>, Int)
        case end
        case failed(TraciaError)
        /// The stream is read as events: its first read fixed that.
        case wrongMode
    }

    /// A step of a reader of events, for the C boundary: the event stays valid until the next step.
    package enum EventStep {
        case event(EventView)
        case end
        case failed(TraciaError)
        /// The stream is read as text: its first read fixed that.
        case wrongMode
    }

    /// What the reader's side gives, whichever way it reads; a tool call's start comes with
    /// its name.
    private enum Read {
        case chunk(Chunk, name: Chunk?)
        case end
        case failed(TraciaError)
        case wrongMode
        case wouldBlock
    }

    init(call: ResolvedCall, engine: Engine, exporter: SpanExporter?) throws(TraciaError) {
        // First: a failure here must come before anything that only deinit would free.
        ready = try ReadyFD()
        self.call = call
        self.engine = engine
        self.exporter = exporter
        state = Locked(Shared(machine: Machine(startedMS: Clock.nowMS())))
        spanID = call.request.spanID ?? Ids.span()
        traceID = call.request.traceID ?? Ids.trace()
        engine.retainUser()
    }

    deinit {
        reader.freeAll()
        state.withLock { s in
            s.machine.freeAll()
            if s.doneFD >= 0 { close(s.doneFD) }
        }
        engine.releaseUser()
    }

    /// Readable exactly while `poll` has a step.
    public var readyFD: Int32 { ready.fd }

    /// Readable once the call has ended, for event loops that await the result. Made on first
    /// use, so a stream that is only read holds one descriptor besides its connection.
    public var doneFD: Int32 {
        get throws(TraciaError) {
            let made: Result<Int32, TraciaError> = run { s, actions in
                guard s.doneFD < 0 else { return .success(s.doneFD) }
                s.machine.endIsAwaited(actions: &actions)
                do throws(TraciaError) {
                    s.doneFD = try ReadyFD.make(set: s.machine.outcome != nil)
                } catch {
                    return .failure(error)
                }
                return .success(s.doneFD)
            }
            return try made.get()
        }
    }

    public var isFinished: Bool { state.withLock { $0.machine.outcome != nil } }

    /// Whether events are still wanted (false once ended or aborted).
    var isLive: Bool { state.withLock { $0.machine.isStreaming } }

    // MARK: caller side

    /// The next chunk, the end, or the failure; blocks until one of them.
    package func next() -> Step {
        while true {
            if let step = poll() { return step }
            _ = ready.wait()
        }
    }

    /// The next step if one is ready; nil when `next` would block.
    package func poll() -> Step? {
        switch read(as: .text) {
        case .chunk(let chunk, _): return .chunk(chunk.bytes, chunk.count)
        case .end: return .end
        case .failed(let error): return .failed(error)
        case .wrongMode: return .wrongMode
        case .wouldBlock: return nil
        }
    }

    /// The next event, the end, or the failure; blocks until one of them.
    package func nextEvent() -> EventStep {
        while true {
            if let step = pollEvent() { return step }
            _ = ready.wait()
        }
    }

    /// The next event if one is ready; nil when `nextEvent` would block.
    package func pollEvent() -> EventStep? {
        switch read(as: .events) {
        case .chunk(let chunk, let name): return .event(EventView(chunk, name: name))
        case .end: return .end
        case .failed(let error): return .failed(error)
        case .wrongMode: return .wrongMode
        case .wouldBlock: return nil
        }
    }

    /// The reader's step: the first one fixes how the stream is read. Inlined so that the text
    /// path keeps the code it had before there were events.
    @inline(__always)
    private func read(as mode: Machine.ReadMode) -> Read {
        if readMode != mode {
            guard readMode == .unknown else { return .wrongMode }
            readMode = mode
        }
        reader.releaseHeld()
        if abortRequested.load(ordering: .acquiring) { reader.dropTaken() }
        if let chunk = reader.next() {
            let read = handOut(chunk, as: mode)
            if reader.isLastTaken { run { s, actions in s.machine.readerDrained(actions: &actions) } }
            return read
        }
        reader.reset()
        let step = run { s, actions in s.machine.take(into: &reader.taken, as: mode, actions: &actions) }
        switch step {
        case .chunks:
            guard let chunk = reader.next() else { return .wouldBlock }
            let read = handOut(chunk, as: mode)
            // The take cleared readiness if it took one chunk; a tool call's start is two.
            if case .chunk(_, .some) = read, reader.isLastTaken {
                run { s, actions in s.machine.readerDrained(actions: &actions) }
            }
            return read
        case .end: return .end
        case .failed(let error): return .failed(error)
        case .wouldBlock: return .wouldBlock
        }
    }

    /// A taken chunk as the reader's step: a tool call's start takes its name along.
    @inline(__always)
    private func handOut(_ chunk: Chunk, as mode: Machine.ReadMode) -> Read {
        guard mode == .events, chunk.kind == .toolCallStart else { return .chunk(chunk, name: nil) }
        return .chunk(chunk, name: reader.next())
    }

    /// Blocks for the next chunk and lends its bytes to `body`; nil at the end (also after an
    /// abort); throws the call's failure.
    public func nextChunk<R>(_ body: (UnsafeRawBufferPointer) throws(TraciaError) -> R) throws(TraciaError) -> R? {
        switch next() {
        case .chunk(let bytes, let count): return try body(UnsafeRawBufferPointer(start: bytes, count: count))
        case .end: return nil
        case .failed(let error): throw error
        case .wrongMode: throw Self.readAsEvents
        }
    }

    static let readAsEvents = TraciaError(.misuse, "this stream is read as typed events (its first read fixed that), not as text")
    static let readAsText = TraciaError(.misuse, "this stream is read as text (its first read fixed that), not as typed events")

    /// Suspends until `poll` has something; cancelling the task aborts the call.
    func waitUntilReady() async {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (c: UnsafeContinuation<Void, Never>) in
                if !state.withLock({ $0.machine.waitForReady(c) }) { c.resume() }
            }
        } onCancel: {
            abort()
        }
    }

    /// Suspends until the call has ended.
    func waitUntilEnded() async {
        endIsAwaited()
        await withUnsafeContinuation { (c: UnsafeContinuation<Void, Never>) in
            if !state.withLock({ $0.machine.waitForEnd(c) }) { c.resume() }
        }
    }

    /// Stops the call; the text so far stays in the result. Idempotent.
    public func abort() {
        let snapshot = run { s, actions in
            let snapshot = s.machine.abort(nowMS: Clock.nowMS(), actions: &actions)
            // The reader drops what it took but has not handed out.
            if snapshot != nil { abortRequested.store(true, ordering: .releasing) }
            return snapshot
        }
        if let snapshot { finishEnd(snapshot) }
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
            let m = s.machine
            var failure: TraciaError?
            if case .failure(let error) = m.outcome { failure = error }
            return CallResult(
                text: m.accumulator.textString, spanID: spanID, traceID: traceID, latencyMS: m.latencyMS,
                usage: m.accumulator.bestKnownUsage(m.outcome), provider: call.provider, model: call.request.model, toolCalls: m.toolCalls,
                finishReason: m.outcome == .success ? m.accumulator.finishReason : nil, stopReason: m.accumulator.providerFinish?.raw,
                refusal: m.accumulator.refusalText, timeToFirstTokenMS: m.timeToFirstTokenMS,
                usageComplete: m.accumulator.usageIsComplete(m.outcome), aborted: m.outcome == .aborted, error: failure,
                reasoning: m.accumulator.reasoningText, message: m.accumulator.message(toolCalls: m.toolCalls, provider: call.provider))
        }
    }

    private func endIsAwaited() { run { s, actions in s.machine.endIsAwaited(actions: &actions) } }

    // MARK: engine side

    /// Ends the call with success (nil) or a failure, unless it has ended already. Assembling
    /// tens of thousands of tool calls would hold back every other transfer, so a success
    /// whose assembly is long ends on the engine's worker.
    func complete(_ failure: TraciaError?) {
        if failure == nil { endOpenToolCalls() }
        publish()
        if failure == nil && state.withLock({ $0.machine.accumulator.assemblyIsLong }) {
            engine.worker.submit { [self] in end(nil) }
        } else {
            end(failure)
        }
    }

    private func end(_ failure: TraciaError?) {
        guard let snapshot = state.withLock({ $0.machine.end(failure, nowMS: Clock.nowMS()) }) else { return }
        finishEnd(snapshot)
    }

    /// Backpressure: true (and the stream remembers it) when the reader is so far behind that
    /// the transfer should wait; the reader's catching up resumes it. Memory stays bounded
    /// however slowly the caller reads, unless someone awaits the end without reading.
    func pauseIfBehind() -> Bool { state.withLock { $0.machine.shouldPause() } }

    // MARK: the shell

    /// Runs an input of the machine under the lock, applies the descriptor levels there, and
    /// everything else after the lock is released.
    private func run<R>(_ input: (inout Shared, inout Machine.Actions) -> R) -> R {
        var actions = Machine.Actions()
        let result = state.withLock { s in
            let result = input(&s, &actions)
            applyLevels(actions, doneFD: s.doneFD)
            return result
        }
        perform(actions)
        return result
    }

    private func applyLevels(_ actions: Machine.Actions, doneFD: Int32) {
        if let level = actions.readiness { level ? ready.set() : ready.clear() }
        if actions.signalEnd && doneFD >= 0 { ReadyFD.set(doneFD) }
    }

    private func perform(_ actions: Machine.Actions) {
        for waiter in actions.resume { waiter.resume() }
        if actions.cancelTransfer { engine.cancel(self) }
        if actions.resumeTransfer { engine.resume(self) }
    }

    /// The second step of the end: the span is queued before the end becomes visible.
    private func finishEnd(_ snapshot: Machine.EndSnapshot) {
        if call.request.sendTrace, let exporter {
            exporter.enqueue(
                FinishedCall(
                    call: call, spanID: spanID, traceID: traceID, accumulator: snapshot.accumulator, toolCalls: snapshot.toolCalls,
                    outcome: snapshot.outcome, latencyMS: snapshot.latencyMS, timeToFirstTokenMS: snapshot.timeToFirstTokenMS,
                    startUnixNS: startedUnixNS, endUnixNS: Clock.unixNS()))
        }
        run { s, actions in s.machine.commitEnd(actions: &actions) }
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
                case .wrongMode: throw CallStream.readAsEvents
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

extension CallStream {
    /// The stream's typed events: its text, reasoning and tool calls in the order the provider
    /// sent them; the sequence ends at the end of the call (also after an abort) and throws its
    /// failure. A stream's first read fixes how it is read: iterating the stream itself after
    /// this (or this after that) throws `misuse`.
    public var events: Events { Events(stream: self) }

    public struct Events: AsyncSequence, Sendable {
        public typealias Element = StreamEvent
        let stream: CallStream

        public struct AsyncIterator: AsyncIteratorProtocol {
            let stream: CallStream

            public mutating func next() async throws -> StreamEvent? {
                while true {
                    switch stream.pollEvent() {
                    case .event(let view): return StreamEvent(view)
                    case .end: return nil
                    case .failed(let error): throw error
                    case .wrongMode: throw CallStream.readAsText
                    case nil: await stream.waitUntilReady()
                    }
                }
            }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: stream) }
    }
}

extension CallStream: EventSink {
    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        if !hasContent && !bytes.isEmpty { contentArrived() }
        stager.append(bytes)
    }

    /// The first content's time: one clock read and one lock per call, the first time only.
    private func contentArrived() {
        hasContent = true
        let now = Clock.nowMS()
        state.withLock { $0.machine.contentArrived(nowMS: now) }
    }

    /// Hands the staged chunks to the reader in one step, in one allocation.
    func publish() {
        guard let batch = stager.seal() else { return }
        let taken = run { s, actions in s.machine.published(batch, actions: &actions) }
        if !taken { batch.free() }
    }

    /// The text staged before a block is published first, so that the turn keeps its order.
    func toolCallStart(index: Int, id: String?, name: String?) {
        publish()
        if !hasContent { contentArrived() }
        guard record({ $0.startToolCall(index: index, id: id, name: name) }) else { return }
        stageStart(ofToolCall: index, id: id, name: name)
    }

    func toolCallArguments(index: Int, fragment: UnsafeBufferPointer<UInt8>) {
        if !hasContent && !fragment.isEmpty { contentArrived() }
        guard record({ $0.appendArguments(index: index, fragment) }) else { return }
        // Arguments of a call never started: its start comes first, as the result will show it.
        let position = stageStart(ofToolCall: index, id: nil, name: nil)
        stager.append(.toolCallDelta, index: position, fragment)
    }

    func toolCallEnd(index: Int) {
        guard let position = toolCallEvents.end(index), state.withLock({ $0.machine.wantsEvents }) else { return }
        stager.append(.toolCallEnd, index: position, UnsafeBufferPointer(start: nil, count: 0))
    }

    /// Records an event into the result; returns whether the reader may want it staged.
    @discardableResult
    private func record(_ event: (inout Accumulator) -> Void) -> Bool { state.withLock { $0.machine.record(event) } }

    /// Stages the start event of the provider's call `index` when it is new; returns its position.
    @discardableResult
    private func stageStart(ofToolCall index: Int, id: String?, name: String?) -> Int {
        let (position, isNew) = toolCallEvents.position(of: index)
        if isNew {
            let id = id.flatMap { $0.isEmpty ? nil : $0 } ?? Accumulator.fallbackID(ofToolCall: index)
            stager.appendToolCallStart(index: position, id: id, name: name ?? "")
        }
        return position
    }

    /// The turn completed: every call the provider did not end ends now, before the stream.
    private func endOpenToolCalls() {
        let open = toolCallEvents.endAll()
        guard !open.isEmpty, state.withLock({ $0.machine.wantsEvents }) else { return }
        for position in open { stager.append(.toolCallEnd, index: position, UnsafeBufferPointer(start: nil, count: 0)) }
    }

    func reasoning(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) {
        publish()
        if !hasContent && !bytes.isEmpty { contentArrived() }
        guard record({ $0.appendReasoning(block: block, bytes) }), !bytes.isEmpty else { return }
        stager.append(.reasoning, index: 0, bytes)
    }

    func reasoningSignature(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) {
        publish()
        record { $0.appendReasoningSignature(block: block, bytes) }
    }

    func reasoningID(_ id: String, block: Int) {
        publish()
        record { $0.setReasoningID(id, block: block) }
    }

    func redactedReasoning(_ bytes: UnsafeBufferPointer<UInt8>, block: Int) {
        publish()
        if !hasContent && !bytes.isEmpty { contentArrived() }
        record { $0.appendRedactedReasoning(block: block, bytes) }
    }

    func usage(_ usage: Usage) {
        record { $0.setUsage(usage) }
    }

    func provisionalUsage(_ usage: Usage) {
        record { $0.setUsage(usage, final: false) }
    }

    /// Server-side tool blocks go into the result's message only: they are not for the caller
    /// to run, so no event shows them.
    func serverToolStart(index: Int, block: JSONObject, inputPath: [String], contentPath: [String]) {
        publish()
        if !hasContent { contentArrived() }
        record { $0.startServerTool(index: index, block: block, inputPath: inputPath, contentPath: contentPath) }
    }

    func serverToolInput(index: Int, fragment: UnsafeBufferPointer<UInt8>) {
        record { $0.appendServerToolInput(index: index, fragment) }
    }

    func serverToolContent(index: Int, item: JSON) {
        record { $0.appendServerToolContent(index: index, item) }
    }

    func refusal(_ bytes: UnsafeBufferPointer<UInt8>) {
        if !hasContent && !bytes.isEmpty { contentArrived() }
        record { $0.appendRefusal(bytes) }
    }

    func finish(_ reason: ProviderFinish) {
        record { $0.setFinish(reason) }
    }
}

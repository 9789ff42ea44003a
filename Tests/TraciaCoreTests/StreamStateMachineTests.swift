import Glibc
import Testing

@testable import TraciaCore

/// The stream's lifecycle as a value: every transition, without sockets or threads.
private typealias Machine = StreamStateMachine<Int>

private func batch(_ texts: [String]) -> ChunkBatch { batch(texts.map(Staged.text)) }

/// What a test stages: text, or another event of the turn.
private enum Staged {
    case text(String)
    case event(ChunkKind, index: Int, String)
    case toolCallStart(index: Int, id: String, name: String)
}

private func batch(_ items: [Staged]) -> ChunkBatch {
    var stager = ChunkStager()
    for item in items {
        switch item {
        case .text(var text): text.withUTF8 { stager.append($0) }
        case .event(let kind, let index, var payload): payload.withUTF8 { stager.append(kind, index: index, $0) }
        case .toolCallStart(let index, let id, let name): stager.appendToolCallStart(index: index, id: id, name: name)
        }
    }
    return stager.seal()!
}

/// A chunk as the tests compare it: text as it is, other kinds labelled.
private func describe(_ chunk: Chunk) -> String {
    let payload = String(decoding: chunk.buffer, as: UTF8.self)
    return chunk.kind == .text ? payload : "\(chunk.kind) \(chunk.index) \(payload)"
}

/// A machine and the reader's side, as the shell holds them.
private struct Harness {
    var machine: Machine
    var reader = ChunkReader()

    init(backpressure: Machine.Backpressure = .init()) {
        machine = Machine(startedMS: 1000, backpressure: backpressure)
    }

    @discardableResult
    mutating func publish(_ texts: [String]) -> Machine.Actions { publish(texts.map(Staged.text)) }

    @discardableResult
    mutating func publish(_ items: [Staged]) -> Machine.Actions {
        var actions = Machine.Actions()
        let b = batch(items)
        if !machine.published(b, actions: &actions) { b.free() }
        return actions
    }

    /// Reads as the shell's `poll` does; returns the chunks (see `describe`) and the final step.
    mutating func readAll(as mode: Machine.ReadMode = .text) -> (texts: [String], step: Machine.ReaderStep, actions: Machine.Actions) {
        var actions = Machine.Actions()
        reader.releaseHeld()
        reader.reset()
        let step = machine.take(into: &reader.taken, as: mode, actions: &actions)
        var texts: [String] = []
        while let chunk = reader.next() {
            texts.append(describe(chunk))
            if reader.isLastTaken { machine.readerDrained(actions: &actions) }
        }
        return (texts, step, actions)
    }

    mutating func end(_ failure: TraciaError? = nil) -> (Machine.EndSnapshot?, Machine.Actions) {
        let snapshot = machine.end(failure, nowMS: 1250)
        var actions = Machine.Actions()
        if snapshot != nil { machine.commitEnd(actions: &actions) }
        return (snapshot, actions)
    }

    mutating func close() {
        reader.freeAll()
        machine.freeAll()
    }
}

@Test func publishingMakesTheStreamReadyAndWakesWaiters() {
    var h = Harness()
    let waitsForReady = h.machine.waitForReady(7)
    #expect(waitsForReady)
    let actions = h.publish(["Hel", "lo"])
    #expect(actions.readiness == true && actions.resume == [7])
    #expect(!actions.resumeTransfer && !actions.cancelTransfer && !actions.signalEnd)
    let waits = h.machine.waitForReady(8)
    #expect(!waits, "ready: a new waiter resumes at once")
    h.close()
}

@Test func readingEverythingClearsReadinessOnlyAfterTheLastTakenChunk() {
    var h = Harness()
    h.publish(["a", "b", "c"])
    let read = h.readAll()
    #expect(read.texts == ["a", "b", "c"])
    guard case .chunks = read.step else {
        Issue.record("expected chunks, got \(read.step)")
        return
    }
    #expect(read.actions.readiness == false && !h.machine.isReady)
    // A single chunk: the queue is empty as soon as it is taken.
    h.publish(["d"])
    var actions = Machine.Actions()
    h.reader.reset()
    _ = h.machine.take(into: &h.reader.taken, as: .text, actions: &actions)
    #expect(actions.readiness == false)
    var again = Machine.Actions()
    guard case .wouldBlock = h.machine.take(into: &h.reader.taken, as: .text, actions: &again) else {
        Issue.record("should block")
        return
    }
    h.close()
}

@Test func theTransferPausesAtTheBoundAndResumesWhenTheReaderCatchesUp() {
    struct Row {
        let bound: Machine.Backpressure
        let publish: [[String]]
        let pauses: Bool
    }
    let rows = [
        Row(bound: .init(chunks: 4, bytes: 1 << 20), publish: [["a", "b"], ["c"]], pauses: false),
        Row(bound: .init(chunks: 4, bytes: 1 << 20), publish: [["a", "b"], ["c", "d"]], pauses: true),
        Row(bound: .init(chunks: 4096, bytes: 8), publish: [["1234"], ["567"]], pauses: false),
        Row(bound: .init(chunks: 4096, bytes: 8), publish: [["1234"], ["5678"]], pauses: true),
    ]
    for row in rows {
        var h = Harness(backpressure: row.bound)
        for texts in row.publish { h.publish(texts) }
        let pauses = h.machine.shouldPause()
        #expect(pauses == row.pauses, "\(row.publish)")
        #expect(h.machine.paused == row.pauses)
        let read = h.readAll()
        #expect(read.actions.resumeTransfer == row.pauses, "catching up resumes exactly a paused transfer")
        let pausesAgain = h.machine.shouldPause()
        #expect(!h.machine.paused && !pausesAgain)
        h.close()
    }
}

@Test func awaitingTheEndLiftsThePauseAndStopsPausing() {
    var h = Harness(backpressure: .init(chunks: 2, bytes: 1 << 20))
    h.publish(["a", "b"])
    let pauses = h.machine.shouldPause()
    #expect(pauses)
    var actions = Machine.Actions()
    h.machine.endIsAwaited(actions: &actions)
    #expect(actions.resumeTransfer && !h.machine.paused)
    h.publish(["c", "d"])
    let pausesWhileAwaited = h.machine.shouldPause()
    #expect(!pausesWhileAwaited, "nobody reads while the end is awaited")
    var again = Machine.Actions()
    h.machine.endIsAwaited(actions: &again)
    #expect(!again.resumeTransfer, "not paused: nothing to resume")
    h.close()
}

@Test func aSuccessfulEndIsVisibleOnlyAfterItIsCommitted() {
    var h = Harness()
    h.publish(["text"])
    let waitsForEnd = h.machine.waitForEnd(1)
    #expect(waitsForEnd)
    h.machine.record { $0.setUsage(Usage(inputTokens: 3, outputTokens: 1, totalTokens: 4)) }
    guard let snapshot = h.machine.end(nil, nowMS: 1250) else {
        Issue.record("end refused")
        return
    }
    #expect(snapshot.outcome == .success && snapshot.latencyMS == 250 && snapshot.accumulator.textString == "text")
    #expect(h.machine.outcome == nil && !h.machine.isStreaming, "ending: no events taken, the end not yet visible")
    h.machine.record { $0.setUsage(Usage(inputTokens: 9, outputTokens: 9, totalTokens: 18)) }
    #expect(h.machine.accumulator.usage.totalTokens == 4)
    var actions = Machine.Actions()
    h.machine.commitEnd(actions: &actions)
    #expect(h.machine.outcome == .success && actions.signalEnd && actions.resume == [1])
    let waitsAfterEnd = h.machine.waitForEnd(2)
    #expect(!waitsAfterEnd)
    let read = h.readAll()
    #expect(read.texts == ["text"])
    guard case .end = h.readAll().step else {
        Issue.record("expected the end")
        return
    }
    let second = h.machine.end(nil, nowMS: 2000)
    #expect(second == nil, "a second end is refused")
    h.close()
}

@Test func aFailureAfterPartialTextKeepsTheTextAndReportsTheError() {
    var h = Harness()
    h.publish(["par", "tial"])
    let error = TraciaError(.networkError, "the connection was dropped")
    let (snapshot, _) = h.end(error)
    #expect(snapshot?.outcome == .failure(error) && snapshot?.accumulator.textString == "partial")
    let read = h.readAll()
    #expect(read.texts == ["par", "tial"], "chunks queued before the failure are still delivered")
    guard case .failed(let e) = h.readAll().step else {
        Issue.record("expected the failure")
        return
    }
    #expect(e == error)
    guard case .failed = h.readAll().step else {
        Issue.record("the failure repeats")
        return
    }
    h.close()
}

@Test func malformedToolArgumentsTurnSuccessIntoFailure() {
    var h = Harness()
    h.machine.record {
        $0.startToolCall(index: 0, id: "c1", name: "get")
        $0.appendArguments(index: 0, UnsafeBufferPointer(start: nil, count: 0))
    }
    var good = h
    let goodEnd = good.end().0
    #expect(goodEnd?.outcome == .success && good.machine.toolCalls.count == 1)
    let bad = Array(#"{"city":"#.utf8)
    _ = bad.withUnsafeBufferPointer { buffer in h.machine.record { $0.appendArguments(index: 0, buffer) } }
    guard case .failure(let error)? = h.end().0?.outcome else {
        Issue.record("expected a failure")
        return
    }
    #expect(error.code == .providerError)
    h.close()
}

@Test func abortBeforeTheEndDropsQueuedChunksAndEndsTheReader() {
    var h = Harness()
    h.publish(["one", "two"])
    let waits = h.machine.waitForEnd(5)
    #expect(waits)
    var actions = Machine.Actions()
    guard let snapshot = h.machine.abort(nowMS: 1100, actions: &actions) else {
        Issue.record("abort refused")
        return
    }
    #expect(actions.cancelTransfer && snapshot.outcome == .aborted && snapshot.accumulator.textString == "onetwo")
    guard case .end = h.readAll().step else {
        Issue.record("an aborted reader ends at once")
        return
    }
    var commit = Machine.Actions()
    h.machine.commitEnd(actions: &commit)
    #expect(h.machine.outcome == .aborted && commit.resume == [5] && h.machine.isReady)
    let late = h.publish(["late"])
    #expect(late.readiness == nil, "nothing is published after the end")
    var twice = Machine.Actions()
    let again = h.machine.abort(nowMS: 1200, actions: &twice)
    #expect(again == nil && !twice.cancelTransfer, "abort is idempotent")
    h.close()
}

@Test func abortAfterTheEndChangesNothing() {
    var h = Harness()
    h.publish(["done"])
    _ = h.end()
    var actions = Machine.Actions()
    let late = h.machine.abort(nowMS: 1300, actions: &actions)
    #expect(late == nil)
    #expect(!actions.cancelTransfer && actions.readiness == nil && h.machine.outcome == .success)
    let read = h.readAll()
    #expect(read.texts == ["done"], "the text of a finished call is still read")
    h.close()
}

@Test func abortWhileTheEngineEndsIsIgnored() {
    var h = Harness()
    _ = h.machine.end(nil, nowMS: 1010)
    var actions = Machine.Actions()
    let ignored = h.machine.abort(nowMS: 1020, actions: &actions)
    #expect(ignored == nil && !actions.cancelTransfer)
    var commit = Machine.Actions()
    h.machine.commitEnd(actions: &commit)
    #expect(h.machine.outcome == .success)
    h.close()
}

// MARK: typed events

private let turn: [Staged] = [
    .event(.reasoning, index: 0, "think"), .text("Hel"), .toolCallStart(index: 0, id: "c1", name: "get"),
    .event(.toolCallDelta, index: 0, #"{"a":1}"#), .text("lo"), .event(.toolCallEnd, index: 0, ""),
]

@Test func aReaderOfEventsGetsEveryChunkInTheOrderStaged() {
    var h = Harness()
    h.publish(turn)
    let read = h.readAll(as: .events)
    #expect(
        read.texts == [
            "reasoning 0 think", "Hel", "toolCallStart 0 c1", "toolCallName 0 get", #"toolCallDelta 0 {"a":1}"#, "lo",
            "toolCallEnd 0 ",
        ])
    #expect(h.machine.accumulator.textString == "Hello", "only text chunks are the result's text")
    #expect(h.machine.readMode == .events && h.machine.wantsEvents)
    h.close()
}

@Test func aTextReaderIsNeverHandedOtherEvents() {
    var h = Harness()
    // Queued before the first read: dropped by it (their memory too: the sanitizers check).
    h.publish(turn)
    h.publish([.event(.reasoning, index: 0, "only events"), .event(.toolCallEnd, index: 1, "")])
    let read = h.readAll(as: .text)
    #expect(read.texts == ["Hel", "lo"])
    #expect(!h.machine.isReady && !h.machine.wantsEvents)
    // Published after it: a batch of events alone does not make the stream ready.
    let late = h.publish([.event(.reasoning, index: 0, "late")])
    #expect(late.readiness == nil && !h.machine.isReady)
    let recorded = h.machine.record { $0.setFinish(FinishReasons.openAI.finish("stop")) }
    #expect(!recorded, "the engine is told not to stage events")
    h.publish([.text("a"), .event(.toolCallDelta, index: 0, "x"), .text("b")])
    #expect(h.readAll(as: .text).texts == ["a", "b"])
    #expect(h.machine.accumulator.textString == "Helloab")
    h.close()
}

@Test func eventsCountAsChunksForBackpressure() {
    var h = Harness(backpressure: .init(chunks: 4, bytes: 1 << 20))
    h.publish([.text("a"), .event(.reasoning, index: 0, "b"), .event(.reasoning, index: 0, "c")])
    let notYet = h.machine.shouldPause()
    #expect(!notYet)
    h.publish([.event(.toolCallDelta, index: 0, "d")])
    let pauses = h.machine.shouldPause()
    #expect(pauses)
    #expect(h.readAll(as: .events).actions.resumeTransfer)
    h.close()
}

@Test func abortDropsQueuedEvents() {
    var h = Harness()
    h.publish(turn)
    var actions = Machine.Actions()
    _ = h.machine.abort(nowMS: 1100, actions: &actions)
    guard case .end = h.readAll(as: .events).step else {
        Issue.record("an aborted reader of events ends at once")
        return
    }
    h.close()
}

@Test func removingEventsKeepsEachAllocationWithAChunkThatStays() {
    // Each batch is one allocation held by its last chunk: when that chunk is an event, a text
    // chunk before it in the same batch takes the allocation over, else it is freed.
    var chunks = batch([.text("a"), .event(.reasoning, index: 0, "b")]).chunks
    chunks += batch([.event(.reasoning, index: 0, "c"), .event(.toolCallEnd, index: 0, "")]).chunks
    chunks += batch([.text("d"), .text("e")]).chunks
    let removed = chunks.removeEvents()
    #expect(removed == 2)
    #expect(chunks.map(describe) == ["a", "d", "e"])
    #expect(chunks.map { $0.block != nil } == [true, false, true])
    for chunk in chunks { free(chunk.block) }
}

@Test func toolCallsAreNumberedByFirstAppearanceAndEachEndsOnce() {
    var events = ToolCallEvents()
    #expect(events.position(of: 7) == (0, true))
    #expect(events.position(of: 3) == (1, true))
    #expect(events.position(of: 7) == (0, false))
    #expect(events.end(3) == 1)
    #expect(events.end(3) == nil, "an end is reported once")
    #expect(events.end(42) == nil, "a call never started has no end")
    #expect(events.position(of: 9) == (2, true))
    #expect(events.endAll() == [0, 2], "the calls still open end in the order they started")
    #expect(events.endAll().isEmpty && events.end(7) == nil)
}

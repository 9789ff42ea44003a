import Testing

@testable import TraciaCore

/// The stream's lifecycle as a value: every transition, without sockets or threads.
private typealias Machine = StreamStateMachine<Int>

private func batch(_ texts: [String]) -> ChunkBatch {
    var stager = ChunkStager()
    for var text in texts { text.withUTF8 { stager.append($0) } }
    return stager.seal()!
}

/// A machine and the reader's side, as the shell holds them.
private struct Harness {
    var machine: Machine
    var reader = ChunkReader()

    init(backpressure: Machine.Backpressure = .init()) {
        machine = Machine(startedMS: 1000, backpressure: backpressure)
    }

    @discardableResult
    mutating func publish(_ texts: [String]) -> Machine.Actions {
        var actions = Machine.Actions()
        let b = batch(texts)
        if !machine.published(b, actions: &actions) { b.free() }
        return actions
    }

    /// Reads as the shell's `poll` does; returns the chunks' text and the final step.
    mutating func readAll() -> (texts: [String], step: Machine.ReaderStep, actions: Machine.Actions) {
        var actions = Machine.Actions()
        reader.releaseHeld()
        reader.reset()
        let step = machine.take(into: &reader.taken, actions: &actions)
        var texts: [String] = []
        while let chunk = reader.next() {
            texts.append(String(decoding: chunk.buffer, as: UTF8.self))
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
    _ = h.machine.take(into: &h.reader.taken, actions: &actions)
    #expect(actions.readiness == false)
    var again = Machine.Actions()
    guard case .wouldBlock = h.machine.take(into: &h.reader.taken, actions: &again) else {
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
    bad.withUnsafeBufferPointer { buffer in h.machine.record { $0.appendArguments(index: 0, buffer) } }
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

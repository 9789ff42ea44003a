import Testing

@testable import TraciaCore

/// Completes a flush that began with `baseline`; whether it reports failures.
private func complete(_ ledger: inout FlushLedger, began baseline: Int, problems: Int) -> Bool {
    ledger.complete(baseline: baseline, problems: problems)
}

@Test func sequentialFlushesReportWhatFailedSinceThePreviousOne() {
    var ledger = FlushLedger()
    let reports = [0, 2, 2, 3].map { complete(&ledger, began: ledger.baseline, problems: $0) }
    #expect(reports == [false, true, false, true])
}

@Test func concurrentFlushesBothReportTheFailuresTheyWaitedFor() {
    var ledger = FlushLedger()
    let first = ledger.baseline
    let second = ledger.baseline
    // One span fails while both wait; whichever returns first must not hide it from the other.
    let firstReport = complete(&ledger, began: first, problems: 1)
    let secondReport = complete(&ledger, began: second, problems: 1)
    #expect(firstReport && secondReport)
    // A flush that begins after them starts from what they saw.
    let later = complete(&ledger, began: ledger.baseline, problems: 1)
    #expect(!later)
}

@Test func aFlushThatBeganEarlierStillReportsWhatAnotherAlreadyReported() {
    var ledger = FlushLedger()
    let long = ledger.baseline
    let short = complete(&ledger, began: ledger.baseline, problems: 1)
    let longReport = complete(&ledger, began: long, problems: 1)
    #expect(short && longReport)
}

@Test func aTimedOutFlushLeavesTheBaseline() {
    var ledger = FlushLedger()
    _ = ledger.baseline  // began, timed out, never completed
    let next = complete(&ledger, began: ledger.baseline, problems: 1)
    #expect(next)
}

@Test func theBaselineNeverMovesBack() {
    var ledger = FlushLedger()
    let first = complete(&ledger, began: ledger.baseline, problems: 5)
    let stale = complete(&ledger, began: 5, problems: 4)
    #expect(first && !stale && ledger.baseline == 5)
}

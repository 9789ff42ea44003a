import Glibc

/// What the exporter holds of something that ended: its span id, and its span in each format.
protocol FinishedSpan: Sendable {
    var spanID: String { get }
    func render(_ format: SpanDestination.Format) -> [UInt8]
}

/// Everything a span needs about a call that has ended, captured once at the end.
struct FinishedCall: FinishedSpan, @unchecked Sendable {
    let call: ResolvedCall
    let spanID: String
    let traceID: String
    let accumulator: Accumulator
    let toolCalls: [ToolCall]
    let outcome: Outcome
    let latencyMS: Int
    /// From the start to the first content; nil when none came.
    let timeToFirstTokenMS: Int?
    /// Wall-clock start and end, nanoseconds since the Unix epoch.
    let startUnixNS: Int64
    let endUnixNS: Int64

    /// The usage the span reports, as the result does.
    var usage: Usage { accumulator.bestKnownUsage(outcome) }

    func render(_ format: SpanDestination.Format) -> [UInt8] {
        switch format {
        case .tracia: SpanPayload.build(self)
        case .traciaLine: SpanPayload.build(self, withTimes: true)
        case .otlp(let serviceName): OTLPEncoder.encode(self, serviceName: serviceName)
        }
    }
}

extension Clock {
    static func unixNS() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

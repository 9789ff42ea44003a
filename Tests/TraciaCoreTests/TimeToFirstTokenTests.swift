import Glibc
import Testing

@testable import TraciaCore

// The time to the first content: text, reasoning or a tool call, never keep-alives, empty
// deltas or usage; timed once, from the start latency_ms is measured from.

@Test func theFirstContentIsTimedOnceFromTheStart() {
    var machine = StreamStateMachine<Int>(startedMS: 1000)
    #expect(machine.timeToFirstTokenMS == nil)
    machine.contentArrived(nowMS: 1042)
    machine.contentArrived(nowMS: 1500)
    #expect(machine.timeToFirstTokenMS == 42)
    let snapshot = machine.end(nil, nowMS: 1600)
    #expect(snapshot?.timeToFirstTokenMS == 42 && snapshot?.latencyMS == 600)
}

@Test func contentAfterAnAbortIsNotTimed() {
    var machine = StreamStateMachine<Int>(startedMS: 1000)
    var actions = StreamStateMachine<Int>.Actions()
    let snapshot = machine.abort(nowMS: 1100, actions: &actions)
    machine.contentArrived(nowMS: 1200)
    #expect(snapshot?.timeToFirstTokenMS == nil && machine.timeToFirstTokenMS == nil)
}

private func client() throws -> TraciaClient {
    try TraciaClient(
        options: ClientOptions.resolve(json: #"{"openai_api_key":"sk-test","spans_file":"/dev/null"}"#, environment: { _ in nil }))
}

/// A Chat Completions stream: SSE comment lines as they are, other lines as `data:` events.
private func stream(_ lines: [String]) -> [UInt8] {
    Array((lines.map { $0.hasPrefix(":") ? "\($0)\n\n" : "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n").utf8)
}

private func resultOf(_ body: [UInt8]) async throws -> CallResult {
    let server = try LoopbackServer(contentType: "text/event-stream", body: body)
    let c = try client()
    defer { c.close() }
    let request = try RunRequest.parse(
        json:
            #"{"model":"gpt-4.1-mini","stream":true,"send_trace":false,"base_url":"http://127.0.0.1:\#(server.port)/v1","messages":[{"role":"user","content":"hi"}]}"#
    )
    let call = try c.run(request)
    let result = call.waitForResult()
    server.join()
    return result
}

private let noContent = [
    ": keep-alive", #"{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#,
    #"{"choices":[{"index":0,"delta":{"content":""}}]}"#, #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
    #"{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5}}"#,
]

@Test func keepAlivesEmptyDeltasAndUsageAreNoContent() async throws {
    let result = try await resultOf(stream(noContent))
    #expect(result.error == nil && result.text.isEmpty)
    #expect(result.timeToFirstTokenMS == nil)
    #expect(result.json()["time_to_first_token_ms"] == .null)
}

@Test(arguments: [
    #"{"choices":[{"index":0,"delta":{"content":"Hi"}}]}"#,
    #"{"choices":[{"index":0,"delta":{"reasoning_content":"Let me see"}}]}"#,
    #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}}]}"#,
])
func textReasoningOrAToolCallIsTheFirstToken(content: String) async throws {
    var lines = noContent
    lines.insert(content, at: 3)
    let result = try await resultOf(stream(lines))
    #expect(result.error == nil)
    let ttft = try #require(result.timeToFirstTokenMS)
    #expect(ttft >= 0 && ttft <= result.latencyMS)
    #expect(result.json()["time_to_first_token_ms"] == JSON(ttft))
}

@Test func theMockTimesItsFirstWord() async throws {
    let c = try client()
    defer { c.close() }
    let request = try RunRequest.parse(
        json:
            #"{"model":"mock/t","stream":true,"send_trace":false,"mock_chunk_delay_ms":40,"messages":[{"role":"user","content":"a b c"}]}"#)
    let result = try c.run(request).waitForResult()
    let ttft = try #require(result.timeToFirstTokenMS)
    // The first word waits one delay, the whole answer three.
    #expect(ttft >= 40 && ttft < result.latencyMS && result.latencyMS >= 120)
}

@Test func theLocalSpanLineCarriesTheTimeToFirstTokenTheAPISpanDoesNot() throws {
    let call = try TraciaClient(options: ClientOptions.resolve(json: #"{"spans_file":"/dev/null"}"#, environment: { _ in nil }))
        .resolve(try RunRequest.parse(json: #"{"model":"mock/t","stream":true,"messages":[{"role":"user","content":"a"}]}"#))
    let finished = FinishedCall(
        call: call, spanID: "sp_0123456789abcdef", traceID: "tr_0123456789abcdef", accumulator: Accumulator(), toolCalls: [],
        outcome: .success, latencyMS: 90, timeToFirstTokenMS: 12, startUnixNS: 0, endUnixNS: 90_000_000)
    let local = try SpanPayload.build(finished, withTimes: true).withUnsafeBytes { try JSON(parsing: $0) }
    let api = try SpanPayload.build(finished).withUnsafeBytes { try JSON(parsing: $0) }
    #expect(local["timeToFirstTokenMs"] == 12 && api["timeToFirstTokenMs"] == nil)
    let otlp = try OTLPEncoder.encode(finished, serviceName: "s").withUnsafeBytes { try JSON(parsing: $0) }
    let attributes = otlp["resourceSpans"]?[0]?["scopeSpans"]?[0]?["spans"]?[0]?["attributes"]?.array ?? []
    let ttft = attributes.first { $0["key"] == "gen_ai.response.time_to_first_chunk" }
    #expect(ttft?["value"] == ["doubleValue": 0.012], "the convention's attribute, in seconds")
}

// MARK: first_chunk_timeout_ms

@Test func firstChunkTimeoutIsAnOptionAndARequestKeyThatWins() throws {
    let options = try ClientOptions.resolve(json: #"{"first_chunk_timeout_ms":2500,"spans_file":"/dev/null"}"#, environment: { _ in nil })
    #expect(options.firstChunkTimeoutMS == 2500)
    #expect(try ClientOptions.resolve(json: nil, environment: { _ in nil }).firstChunkTimeoutMS == nil, "no bound unless asked")
    let c = try TraciaClient(options: options)
    defer { c.close() }
    let plain = #"{"model":"mock/t","messages":[{"role":"user","content":"a"}]"#
    #expect(try c.resolve(RunRequest.parse(json: plain + "}")).firstChunkTimeoutMS == 2500)
    #expect(try c.resolve(RunRequest.parse(json: plain + #","first_chunk_timeout_ms":40}"#)).firstChunkTimeoutMS == 40)
    for bad in ["0", "86400001", "1.5", #""10""#] {
        #expect(throws: TraciaError.self) { try RunRequest.parse(json: plain + #","first_chunk_timeout_ms":\#(bad)}"#) }
        #expect(throws: TraciaError.self) {
            try ClientOptions.resolve(json: #"{"first_chunk_timeout_ms":\#(bad)}"#, environment: { _ in nil })
        }
    }
}

private func mockCall(_ extra: String) throws -> CallResult {
    let c = try client()
    defer { c.close() }
    let request = try RunRequest.parse(
        json: #"{"model":"mock/t","stream":true,"send_trace":false,"messages":[{"role":"user","content":"a b c d"}]\#(extra)}"#)
    return try c.run(request).waitForResult()
}

@Test func firstChunkTimeoutFailsACallWhoseContentIsLate() throws {
    let late = try mockCall(#","mock_chunk_delay_ms":300,"first_chunk_timeout_ms":50"#)
    #expect(late.error?.code == .timeout && late.error?.message == "no content from the provider within 50 ms (first_chunk_timeout_ms)")
    #expect(late.latencyMS >= 50 && late.latencyMS < 300 && late.timeToFirstTokenMS == nil)
    // Content within the bound: the call may go on well past it.
    let onTime = try mockCall(#","mock_chunk_delay_ms":30,"first_chunk_timeout_ms":50"#)
    #expect(onTime.error == nil && onTime.text == "a b c d" && onTime.latencyMS >= 120)
}

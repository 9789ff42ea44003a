import Glibc
import Testing

@testable import TraciaCore

// The typed events beside the text: an AsyncSequence of `StreamEvent` in the provider's order.

private func client() throws -> TraciaClient {
    try TraciaClient(
        options: ClientOptions.resolve(json: #"{"openai_api_key":"sk-test","spans_file":"/dev/null"}"#, environment: { _ in nil }))
}

private func sse(_ events: [String]) -> [UInt8] { Array((events.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n").utf8) }

private func openAIRequest(port: Int) throws -> RunRequest {
    try RunRequest.parse(
        json:
            #"{"model":"gpt-4.1-mini","stream":true,"send_trace":false,"base_url":"http://127.0.0.1:\#(port)/v1","messages":[{"role":"user","content":"hi"}]}"#
    )
}

@Test func parallelToolCallsWithInterleavedFragmentsKeepTheProvidersOrder() async throws {
    // Provider indexes 3 and 7 interleave their fragments; index 5 sends arguments without
    // ever naming itself. The events number the calls as the result does.
    let body = sse([
        #"{"choices":[{"index":0,"delta":{"role":"assistant","content":"Checking "}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":3,"id":"call_P","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":7,"id":"call_R","type":"function","function":{"name":"get_time","arguments":"{\"tz\":"}}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":3,"function":{"arguments":"{\"city\":\"Paris\"}"}}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":7,"function":{"arguments":"\"CET\"}"}}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":5,"function":{"arguments":"{}"}}]}}]}"#,
        #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
    ])
    let server = try LoopbackServer(contentType: "text/event-stream", body: body)
    let c = try client()
    defer { c.close() }
    let stream = try c.run(try openAIRequest(port: server.port))
    var events: [StreamEvent] = []
    for try await event in stream.events { events.append(event) }
    server.join()
    #expect(
        events == [
            .text("Checking "),
            .toolCallStart(index: 0, id: "call_P", name: "get_weather"),
            .toolCallStart(index: 1, id: "call_R", name: "get_time"),
            .toolCallDelta(index: 1, arguments: #"{"tz":"#),
            .toolCallDelta(index: 0, arguments: #"{"city":"Paris"}"#),
            .toolCallDelta(index: 1, arguments: #""CET"}"#),
            .toolCallStart(index: 2, id: "call_5", name: ""),
            .toolCallDelta(index: 2, arguments: "{}"),
            .toolCallEnd(index: 0), .toolCallEnd(index: 1), .toolCallEnd(index: 2),
        ])
    let result = try await stream.result
    #expect(result.toolCalls.map(\.id) == ["call_P", "call_R", "call_5"], "event indexes are positions in the result's calls")
    #expect(result.text == "Checking ")
}

private func mockRequest(_ extra: String = "") throws -> RunRequest {
    try RunRequest.parse(json: #"{"model":"mock/test","stream":true,"messages":[{"role":"user","content":"one two"}]\#(extra)}"#)
}

@Test func theMockTurnAsEventsEndsWithItsToolCalls() async throws {
    let c = try client()
    defer { c.close() }
    let stream = try c.run(try mockRequest(#","mock_tool_calls":[{"id":"t1","name":"lookup","arguments":{"q":"x"}}]"#))
    var events: [StreamEvent] = []
    for try await event in stream.events { events.append(event) }
    #expect(
        events == [
            .text("one "), .text("two"), .toolCallStart(index: 0, id: "t1", name: "lookup"),
            .toolCallDelta(index: 0, arguments: #"{"q":"x"}"#), .toolCallEnd(index: 0),
        ])
}

@Test func aStreamIsReadEitherAsTextOrAsEvents() async throws {
    let c = try client()
    defer { c.close() }
    let asText = try c.run(try mockRequest())
    var chunks: [String] = []
    for try await chunk in asText { chunks.append(chunk) }
    #expect(chunks == ["one ", "two"])
    await #expect(throws: CallStream.readAsText) { for try await _ in asText.events {} }

    let asEvents = try c.run(try mockRequest())
    var iterator = asEvents.events.makeAsyncIterator()
    #expect(try await iterator.next() == .text("one "))
    await #expect(throws: CallStream.readAsEvents) { for try await _ in asEvents {} }
    #expect(try await iterator.next() == .text("two"), "the refused read took nothing")
    #expect(try await iterator.next() == nil)
}

@Test func aFailureEndsTheEventsWithTheError() async throws {
    let c = try client()
    defer { c.close() }
    let stream = try c.run(try mockRequest(#","mock_error":{"code":"TIMEOUT","message":"slow","after_chunks":1}"#))
    var events: [StreamEvent] = []
    await #expect(throws: TraciaError(.timeout, "slow")) { for try await event in stream.events { events.append(event) } }
    #expect(events == [.text("one ")])
}

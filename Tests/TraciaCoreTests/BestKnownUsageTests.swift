import Glibc
import Testing

@testable import TraciaCore

// The usage a call reports: the provider's final count when it came, else the best known, at
// least one output token a content delta; usage_complete only with that final count.

private func bytes(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    var s = s
    s.withUTF8(body)
}

/// Two text pieces, a reasoning piece (and an empty one), a tool call and two argument fragments.
private func accumulatorWithSevenDeltas() -> Accumulator {
    var a = Accumulator()
    bytes("Let") { a.appendReasoning(block: 0, $0) }
    bytes("") { a.appendReasoning(block: 0, $0) }
    bytes("Hel") { a.appendText($0) }
    bytes("lo") { a.appendText($0) }
    a.startToolCall(index: 0, id: "c1", name: "f")
    a.startToolCall(index: 0, id: "c1", name: "f")
    bytes(#"{"a":"#) { a.appendArguments(index: 0, $0) }
    bytes("1}") { a.appendArguments(index: 0, $0) }
    bytes("opaque") { a.appendRedactedReasoning(block: 1, $0) }
    return a
}

@Test func eachContentDeltaCountsOnceAndEmptyOnesNot() {
    #expect(accumulatorWithSevenDeltas().contentDeltas == 7)
}

@Test func withoutAnyCountTheOutputIsTheDeltasAndTheInputZero() {
    let a = accumulatorWithSevenDeltas()
    for outcome: Outcome in [.aborted, .failure(TraciaError(.timeout, "t")), .success] {
        #expect(a.bestKnownUsage(outcome) == Usage(inputTokens: 0, outputTokens: 7, totalTokens: 7))
        #expect(!a.usageIsComplete(outcome))
    }
}

@Test func aProvisionalCountIsKeptAndRaisedToTheDeltas() {
    var a = accumulatorWithSevenDeltas()
    a.setUsage(Usage(inputTokens: 12, outputTokens: 1, totalTokens: 13, cacheReadTokens: 4), final: false)
    #expect(a.bestKnownUsage(.aborted) == Usage(inputTokens: 12, outputTokens: 7, totalTokens: 19, cacheReadTokens: 4))
    #expect(!a.usageIsComplete(.success), "a provisional count is not the final one, even in a completed call")
    // A count above the deltas (several tokens a delta) stays as the provider gave it.
    a.setUsage(Usage(inputTokens: 12, outputTokens: 30, totalTokens: 42), final: false)
    #expect(a.bestKnownUsage(.aborted) == Usage(inputTokens: 12, outputTokens: 30, totalTokens: 42))
}

@Test func theFinalCountOfACompletedCallIsReportedAsItCame() {
    var a = accumulatorWithSevenDeltas()
    // Fewer tokens than deltas: the provider's final count is the truth.
    a.setUsage(Usage(inputTokens: 9, outputTokens: 5, totalTokens: 14))
    #expect(a.usageIsComplete(.success) && a.bestKnownUsage(.success) == Usage(inputTokens: 9, outputTokens: 5, totalTokens: 14))
    // The same count in a call that was aborted is not complete, and the deltas are the floor.
    #expect(!a.usageIsComplete(.aborted) && a.bestKnownUsage(.aborted) == Usage(inputTokens: 9, outputTokens: 7, totalTokens: 16))
}

@Test func anthropicMessageStartIsProvisionalAndMessageDeltaFinal() throws {
    let start = sseEvents([
        (
            "message_start",
            #"{"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"usage":{"input_tokens":12,"output_tokens":1}}}"#
        ),
        ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
        ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#),
    ])
    var decoder = SSEDecoder<AnthropicEvents>()
    let sink = TestSink()
    try feed(&decoder, start, pieceSize: 7, sink: sink)
    #expect(sink.accumulator.usage.inputTokens == 12 && !sink.accumulator.usageIsFinal)
    let end = sseEvents([
        ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}"#),
        ("message_stop", #"{"type":"message_stop"}"#),
    ])
    try feed(&decoder, end, pieceSize: 7, sink: sink)
    #expect(sink.accumulator.usage == Usage(inputTokens: 12, outputTokens: 3, totalTokens: 15) && sink.accumulator.usageIsFinal)
}

@Test func geminiChunksAreProvisionalUntilTheFinishReason() throws {
    let chunk = { (text: String, finish: String, output: Int) in
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\(text)\"}],\"role\":\"model\"},\(finish)\"index\":0}],"
            + "\"usageMetadata\":{\"promptTokenCount\":8,\"candidatesTokenCount\":\(output),\"totalTokenCount\":\(8 + output)}}\n\n"
    }
    var decoder = SSEDecoder<GeminiEvents>()
    let sink = TestSink()
    try feed(&decoder, chunk("Hel", "", 1), pieceSize: 5, sink: sink)
    #expect(sink.accumulator.usage.outputTokens == 1 && !sink.accumulator.usageIsFinal)
    try feed(&decoder, chunk("lo", #""finishReason":"STOP","#, 2), pieceSize: 5, sink: sink)
    #expect(sink.accumulator.usage.outputTokens == 2 && sink.accumulator.usageIsFinal)
}

/// A Chat Completions stream answered by a loopback server.
private func openAIResult(_ events: [String]) async throws -> CallResult {
    let body = Array((events.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n").utf8)
    let server = try LoopbackServer(contentType: "text/event-stream", body: body)
    let c = try TraciaClient(
        options: ClientOptions.resolve(json: #"{"openai_api_key":"sk-test","spans_file":"/dev/null"}"#, environment: { _ in nil }))
    defer { c.close() }
    let request = try RunRequest.parse(
        json:
            #"{"model":"gpt-4.1-mini","stream":true,"send_trace":false,"base_url":"http://127.0.0.1:\#(server.port)/v1","messages":[{"role":"user","content":"hi"}]}"#
    )
    let result = try c.run(request).waitForResult()
    server.join()
    return result
}

private let answer = [
    #"{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#, #"{"choices":[{"index":0,"delta":{"content":"one"}}]}"#,
    #"{"choices":[{"index":0,"delta":{"content":" two"}}]}"#, #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
]

@Test func aServerThatSendsNoUsageGivesTheEstimateAndAnIncompleteUsage() async throws {
    let result = try await openAIResult(answer)
    #expect(result.error == nil && result.text == "one two")
    #expect(result.usage == Usage(inputTokens: 0, outputTokens: 2, totalTokens: 2) && !result.usageComplete)
    #expect(result.json()["usage_complete"] == false)
}

@Test func theUsageChunkMakesTheUsageComplete() async throws {
    let result = try await openAIResult(answer + [#"{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"#])
    #expect(result.usage == Usage(inputTokens: 5, outputTokens: 2, totalTokens: 7) && result.usageComplete)
    #expect(result.json()["usage_complete"] == true)
}

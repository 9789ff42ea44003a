import Testing

@testable import TraciaCore

// Anthropic thinking and Bedrock reasoningContent: decoded apart from the answer, kept byte for
// byte, in the order of the turn; and the request's reasoning in each one's form.

private let thought = "Weighing é — 思考 🙂"
private let signature = "EvMCCkYICxgC+/sig=="
private let redacted = "EqkECkYIBxgC+/redacted=="
private let weatherCall = ToolCall(id: "toolu_A", name: "get_weather", arguments: ["city": "Paris"])

/// The turn both providers' streams below carry, as the result's message.
private func expectedTurn(_ provider: ProviderKind, call: ToolCall = weatherCall) -> [ContentPart] {
    [
        .reasoning(ReasoningPart(provider: provider, text: thought + " done", signature: signature)),
        .reasoning(ReasoningPart(provider: provider, redactedData: redacted)), .text("Let me check."), .toolCall(call),
    ]
}

private let anthropicThinking = sseEvents([
    (
        "message_start",
        #"{"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"usage":{"input_tokens":10,"output_tokens":1}}  }"#
    ),
    ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#),
    ("ping", #"{"type": "ping"}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"\#(thought)"}}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":" done"}}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":""}}"#),
    // One signature_delta in every recorded stream; pieces are appended all the same.
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EvMCCkYICxgC+/"}}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig=="}}"#),
    ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
    (
        "content_block_start",
        #"{"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"\#(redacted)"}}"#
    ),
    ("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
    ("content_block_start", #"{"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Let me check."}}"#),
    ("content_block_stop", #"{"type":"content_block_stop","index":2}"#),
    (
        "content_block_start",
        #"{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_A","name":"get_weather","input":{}}}"#
    ),
    (
        "content_block_delta",
        #"{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{\"city\":\"Paris\"}"}}"#
    ),
    ("content_block_stop", #"{"type":"content_block_stop","index":3}"#),
    (
        "message_delta",
        #"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":300,"output_tokens_details":{"thinking_tokens":261}}}"#
    ),
    ("message_stop", #"{"type":"message_stop"}"#),
])

/// Decodes `bytes` split at every piece size from 1 to the whole and checks each result; the
/// first size that fails ends the test (`#require`).
private func atEveryPieceSize<D: ResponseDecoder>(
    _ bytes: [UInt8], _ fresh: D, check: (TestSink, Int) throws -> Void
) throws {
    for size in 1...bytes.count {
        var decoder = fresh
        let sink = TestSink()
        try feed(&decoder, bytes, pieceSize: size, sink: sink)
        try decoder.finish(into: sink)
        try check(sink, size)
    }
}

@Test func anthropicThinkingStreamsApartFromTheTextAtEveryPieceSize() throws {
    try atEveryPieceSize(Array(anthropicThinking.utf8), SSEDecoder<AnthropicEvents>()) { sink, size in
        try #require(sink.texts.joined() == "Let me check.", "piece size \(size)")
        let turn = sink.accumulator.message(toolCalls: try sink.accumulator.toolCalls(), provider: .anthropic)
        try #require(turn.parts == expectedTurn(.anthropic), "piece size \(size)")
        try #require(sink.accumulator.reasoningText == thought + " done")
        try #require(sink.accumulator.usage == Usage(inputTokens: 10, outputTokens: 300, totalTokens: 310, reasoningTokens: 261))
    }
}

@Test func anthropicThinkingTokensLastUntilAnotherCountComes() throws {
    let stream = sseEvents([
        ("message_start", #"{"type":"message_start","message":{"usage":{"input_tokens":4,"output_tokens":1}}}"#),
        (
            "message_delta",
            #"{"type":"message_delta","delta":{},"usage":{"output_tokens":50,"output_tokens_details":{"thinking_tokens":20}}}"#
        ),
        ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":60}}"#),
        ("message_stop", #"{"type":"message_stop"}"#),
    ])
    var decoder = SSEDecoder<AnthropicEvents>()
    let sink = TestSink()
    try feed(&decoder, stream, pieceSize: 1000, sink: sink)
    #expect(sink.usages.map(\.reasoningTokens) == [nil, 20, 20])
    #expect(sink.accumulator.usage == Usage(inputTokens: 4, outputTokens: 60, totalTokens: 64, reasoningTokens: 20))
}

@Test func anthropicThinkingInAWholeBody() throws {
    let body = #"""
        {"id":"msg_1","type":"message","role":"assistant","content":[
          {"type":"thinking","thinking":"\#(thought) done","signature":"\#(signature)"},
          {"type":"redacted_thinking","data":"\#(redacted)"},
          {"type":"text","text":"Let me check."},
          {"type":"tool_use","id":"toolu_A","name":"get_weather","input":{"city":"Paris"}}],
         "stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":300,"output_tokens_details":{"thinking_tokens":261}}}
        """#
    try atEveryPieceSize(Array(body.utf8), JSONBodyDecoder<AnthropicBody>(limit: 1 << 20)) { sink, size in
        try #require(sink.texts == ["Let me check."], "piece size \(size)")
        let turn = sink.accumulator.message(toolCalls: try sink.accumulator.toolCalls(), provider: .anthropic)
        try #require(turn.parts == expectedTurn(.anthropic), "piece size \(size)")
        try #require(sink.accumulator.usage.reasoningTokens == 261 && sink.accumulator.usage.outputTokens == 300)
    }
}

private let bedrockReasoning: [UInt8] = [
    ("messageStart", #"{"role":"assistant"}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Weighing é — 思"}}}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"考 🙂 done"}}}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":""}}}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"\#(signature)"}}}"#),
    ("contentBlockStop", #"{"contentBlockIndex":0}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":1,"delta":{"reasoningContent":{"redactedContent":"\#(redacted)"}}}"#),
    ("contentBlockStop", #"{"contentBlockIndex":1}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":2,"delta":{"text":"Let me check."}}"#),
    ("contentBlockStop", #"{"contentBlockIndex":2}"#),
    ("contentBlockStart", #"{"contentBlockIndex":3,"start":{"toolUse":{"toolUseId":"toolu_A","name":"get_weather"}}}"#),
    ("contentBlockDelta", #"{"contentBlockIndex":3,"delta":{"toolUse":{"input":"{\"city\":\"Paris\"}"}}}"#),
    ("contentBlockStop", #"{"contentBlockIndex":3}"#),
    ("messageStop", #"{"stopReason":"tool_use"}"#),
    ("metadata", #"{"usage":{"inputTokens":51,"outputTokens":94,"totalTokens":145},"metrics":{"latencyMs":2281}}"#),
].flatMap { EventStreamFrame.event($0.0, payload: $0.1) }

@Test func bedrockReasoningStreamsApartFromTheTextAtEveryPieceSize() throws {
    try atEveryPieceSize(bedrockReasoning, BedrockStreamDecoder()) { sink, size in
        try #require(sink.texts == ["Let me check."], "piece size \(size)")
        let turn = sink.accumulator.message(toolCalls: try sink.accumulator.toolCalls(), provider: .amazonBedrock)
        try #require(turn.parts == expectedTurn(.amazonBedrock), "piece size \(size)")
        // Converse has no count of reasoning tokens.
        try #require(sink.accumulator.usage == Usage(inputTokens: 51, outputTokens: 94, totalTokens: 145, reasoningTokens: nil))
    }
}

@Test func bedrockReasoningInAWholeBody() throws {
    let body = #"""
        {"output":{"message":{"role":"assistant","content":[
          {"reasoningContent":{"reasoningText":{"text":"\#(thought) done","signature":"\#(signature)"}}},
          {"reasoningContent":{"redactedContent":"\#(redacted)"}},
          {"text":"Let me check."},
          {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}}]}},
         "stopReason":"tool_use","usage":{"inputTokens":397,"outputTokens":130,"totalTokens":527}}
        """#
    let call = ToolCall(id: "tooluse_1", name: "get_weather", arguments: ["city": "Paris"])
    try atEveryPieceSize(Array(body.utf8), JSONBodyDecoder<BedrockBody>(limit: 1 << 20)) { sink, size in
        try #require(sink.texts == ["Let me check."], "piece size \(size)")
        let turn = sink.accumulator.message(toolCalls: try sink.accumulator.toolCalls(), provider: .amazonBedrock)
        try #require(turn.parts == expectedTurn(.amazonBedrock, call: call), "piece size \(size)")
        try #require(sink.accumulator.usage.reasoningTokens == nil)
    }
}

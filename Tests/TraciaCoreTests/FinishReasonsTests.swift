import Testing

@testable import TraciaCore

/// Every reason of wire-formats part 2, §8, and what it means.
@Test(arguments: [
    (FinishReasons.openAI, "stop", FinishReason.stop), (.openAI, "length", .maxTokens), (.openAI, "tool_calls", .toolCalls),
    (.openAI, "function_call", .toolCalls), (.openAI, "content_filter", .contentFilter),
    (.anthropic, "end_turn", .stop), (.anthropic, "stop_sequence", .stop), (.anthropic, "tool_use", .toolCalls),
    (.anthropic, "max_tokens", .maxTokens), (.anthropic, "model_context_window_exceeded", .maxTokens),
    (.anthropic, "refusal", .contentFilter), (.anthropic, "pause_turn", .pauseTurn),
    (.bedrock, "end_turn", .stop), (.bedrock, "stop_sequence", .stop), (.bedrock, "tool_use", .toolCalls),
    (.bedrock, "max_tokens", .maxTokens), (.bedrock, "model_context_window_exceeded", .maxTokens),
    (.bedrock, "guardrail_intervened", .contentFilter), (.bedrock, "content_filtered", .contentFilter),
    (.bedrock, "malformed_model_output", .other), (.bedrock, "malformed_tool_use", .other),
    (.gemini, "STOP", .stop), (.gemini, "MAX_TOKENS", .maxTokens), (.gemini, "SAFETY", .contentFilter),
    (.gemini, "RECITATION", .contentFilter), (.gemini, "BLOCKLIST", .contentFilter), (.gemini, "PROHIBITED_CONTENT", .contentFilter),
    (.gemini, "SPII", .contentFilter), (.gemini, "IMAGE_SAFETY", .contentFilter), (.gemini, "IMAGE_PROHIBITED_CONTENT", .contentFilter),
    (.gemini, "IMAGE_RECITATION", .contentFilter), (.gemini, "MODEL_ARMOR", .contentFilter),
    (.gemini, "FINISH_REASON_UNSPECIFIED", .other), (.gemini, "OTHER", .other), (.gemini, "LANGUAGE", .other),
    (.gemini, "MALFORMED_FUNCTION_CALL", .other), (.gemini, "UNEXPECTED_TOOL_CALL", .other), (.gemini, "TOO_MANY_TOOL_CALLS", .other),
    (.gemini, "MISSING_THOUGHT_SIGNATURE", .other), (.gemini, "MALFORMED_RESPONSE", .other),
])
func finishReasonTables(table: FinishReasons, raw: String, expected: FinishReason) {
    #expect(table.finish(raw) == ProviderFinish(reason: expected, raw: raw))
}

/// A reason newer than the tables is not a normal stop; the raw word is kept.
@Test(arguments: [FinishReasons.openAI, .anthropic, .bedrock, .gemini])
func unknownReasonsAreOther(table: FinishReasons) {
    #expect(table.finish("brand_new_reason") == ProviderFinish(reason: .other, raw: "brand_new_reason"))
    #expect(table.finish("") == ProviderFinish(reason: .other, raw: ""))
}

@Test func geminiFilteredResponseIsAResultWithItsTextSoFar() throws {
    let events =
        #"data: {"candidates":[{"content":{"parts":[{"text":"Once upon"}],"role":"model"},"index":0}]}"# + "\r\n\r\n"
        + #"data: {"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"RECITATION","index":0}]}"#
        + "\r\n\r\n"
    var decoder = SSEDecoder<GeminiEvents>()
    let sink = TestSink()
    try feed(&decoder, events, pieceSize: 7, sink: sink)
    #expect(sink.accumulator.textString == "Once upon")
    #expect(sink.accumulator.finishReason == .contentFilter && sink.accumulator.providerFinish?.raw == "RECITATION")
}

@Test func geminiBlockedPromptStaysAnError() {
    let blocked = #"data: {"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":7}}"# + "\r\n\r\n"
    var decoder = SSEDecoder<GeminiEvents>()
    #expect(throws: TraciaError.self) { try feed(&decoder, blocked, pieceSize: 1000, sink: TestSink()) }
}

@Test func refusalWinsOverAPlainStopButNotOverALengthStop() {
    var a = Accumulator()
    Array("I can't help with that.".utf8).withUnsafeBufferPointer { a.appendRefusal($0) }
    a.setFinish(FinishReasons.openAI.finish("stop"))
    #expect(a.finishReason == .contentFilter && a.refusalText == "I can't help with that." && a.textString.isEmpty)
    a.setFinish(FinishReasons.openAI.finish("length"))
    #expect(a.finishReason == .maxTokens)
}

@Test func openAIRefusalIsNotText() throws {
    let events = [
        #"{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":""},"finish_reason":null}]}"#,
        #"{"choices":[{"index":0,"delta":{"refusal":"I'm"},"finish_reason":null}]}"#,
        #"{"choices":[{"index":0,"delta":{"refusal":" sorry"},"finish_reason":null}]}"#,
        #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
    ]
    var decoder = SSEDecoder<OpenAIEvents>()
    let sink = TestSink()
    try feed(&decoder, events.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n", pieceSize: 5, sink: sink)
    #expect(sink.accumulator.textString.isEmpty && sink.accumulator.refusalText == "I'm sorry")
    #expect(sink.accumulator.finishReason == .contentFilter && sink.accumulator.providerFinish?.raw == "stop")
    var body = JSONBodyDecoder<OpenAIBody>(limit: 1 << 20)
    let whole = TestSink()
    try feed(
        &body, #"{"choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"No."},"finish_reason":"stop"}]}"#,
        pieceSize: 9, sink: whole)
    try body.finish(into: whole)
    #expect(whole.accumulator.refusalText == "No." && whole.accumulator.finishReason == .contentFilter)
}

@Test func anthropicRefusalCarriesItsExplanation() throws {
    let stream = [
        ("message_start", #"{"type":"message_start","message":{"usage":{"input_tokens":5,"output_tokens":1}}}"#),
        (
            "message_delta",
            #"{"type":"message_delta","delta":{"stop_reason":"refusal","stop_sequence":null,"stop_details":{"type":"refusal","category":"cyber","explanation":"Blocked under the usage policy."}},"usage":{"output_tokens":5}}"#
        ),
        ("message_stop", #"{"type":"message_stop"}"#),
    ]
    var decoder = SSEDecoder<AnthropicEvents>()
    let sink = TestSink()
    try feed(&decoder, stream.map { "event: \($0.0)\ndata: \($0.1)\n\n" }.joined(), pieceSize: 11, sink: sink)
    #expect(sink.accumulator.refusalText == "Blocked under the usage policy.")
    #expect(sink.accumulator.finishReason == .contentFilter && sink.accumulator.providerFinish?.raw == "refusal")
}

@Test func pauseTurnIsNotAStop() throws {
    var body = JSONBodyDecoder<AnthropicBody>(limit: 1 << 20)
    let sink = TestSink()
    try feed(
        &body, #"{"type":"message","content":[{"type":"text","text":"Searching"}],"stop_reason":"pause_turn","usage":{"input_tokens":1}}"#,
        pieceSize: 64, sink: sink)
    try body.finish(into: sink)
    #expect(sink.accumulator.finishReason == .pauseTurn)
}

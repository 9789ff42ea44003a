import Testing

@testable import TraciaCore

@Test(arguments: [
    (FinishReasons.openAI, "stop", ProviderFinish.stop), (.openAI, "length", .maxTokens), (.openAI, "tool_calls", .toolCalls),
    (.openAI, "function_call", .toolCalls), (.openAI, "content_filter", .stop),
    (.anthropic, "end_turn", .stop), (.anthropic, "tool_use", .toolCalls), (.anthropic, "max_tokens", .maxTokens),
    (.anthropic, "model_context_window_exceeded", .maxTokens), (.anthropic, "pause_turn", .stop),
    (.bedrock, "tool_use", .toolCalls), (.bedrock, "max_tokens", .maxTokens), (.bedrock, "guardrail_intervened", .stop),
    (.gemini, "STOP", .stop), (.gemini, "MAX_TOKENS", .maxTokens), (.gemini, "FINISH_REASON_UNSPECIFIED", .stop),
    (.gemini, "MALFORMED_FUNCTION_CALL", .stop),
])
func finishReasonTables(table: FinishReasons, reason: String, expected: ProviderFinish) {
    #expect(table.finish(reason) == expected)
    #expect(!table.isBlocked(reason))
}

@Test func geminiBlockedReasonsFailTheCall() throws {
    #expect(FinishReasons.gemini.isBlocked("SAFETY") && FinishReasons.gemini.isBlocked("IMAGE_PROHIBITED_CONTENT"))
    #expect(!FinishReasons.openAI.isBlocked("content_filter"))
    let blocked = #"data: {"candidates":[{"finishReason":"RECITATION","index":0}]}"# + "\r\n\r\n"
    var decoder = SSEDecoder<GeminiEvents>()
    #expect(throws: TraciaError.self) { try feed(&decoder, blocked, pieceSize: 1000, sink: TestSink()) }
}
